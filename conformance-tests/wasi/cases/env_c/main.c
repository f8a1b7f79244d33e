// The whole environment, sorted, so the output does not depend on the host's order.
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

static int cmp(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void) {
    size_t n = 0;
    while (environ[n]) n++;
    qsort(environ, n, sizeof(char *), cmp);
    printf("%zu variables\n", n);
    for (size_t i = 0; i < n; i++) printf("%s\n", environ[i]);
    const char *g = getenv("GREETING");
    printf("getenv(GREETING)=%s\n", g ? g : "(unset)");
    printf("getenv(ABSENT)=%s\n", getenv("ABSENT") ? "set" : "(unset)");
    return 0;
}
