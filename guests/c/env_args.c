/*
 * env_args.c -- WASI command (_start).
 * Prints every argv entry as "arg[i]=<value>\n", then
 * "UBIQ_TEST=<value or (unset)>\n" and "REQUEST_METHOD=<value or (unset)>\n".
 * Exit code 0.
 */
#include <stdio.h>
#include <stdlib.h>

static void show(const char *name) {
    const char *v = getenv(name);
    printf("%s=%s\n", name, v ? v : "(unset)");
}

int main(int argc, char **argv) {
    for (int i = 0; i < argc; i++)
        printf("arg[%d]=%s\n", i, argv[i]);
    show("UBIQ_TEST");
    show("REQUEST_METHOD");
    return 0;
}
