/*
 * exit_code.c -- WASI command (_start).
 * Writes "bye\n" to stderr, then exits with the integer given in argv[1]
 * (default 3). The exit goes through proc_exit.
 */
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
    int code = argc > 1 ? atoi(argv[1]) : 3;
    fputs("bye\n", stderr);
    fflush(stderr);
    exit(code);
}
