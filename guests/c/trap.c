/*
 * trap.c -- WASI command (_start).
 * Writes "about to trap\n" to stderr, then executes `unreachable`
 * (__builtin_trap). The host must report a trap, not an exit code.
 */
#include <stdio.h>

int main(void) {
    fputs("about to trap\n", stderr);
    fflush(stderr);
    __builtin_trap();
}
