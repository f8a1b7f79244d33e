/*
 * hello.c -- WASI command (_start).
 * Prints "hello from wasm\n"; then reads all of stdin and, if it is non-empty,
 * writes it back prefixed with "echo: ". Exit code 0.
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

int main(void) {
    printf("hello from wasm\n");
    fflush(stdout);

    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    if (!buf) return 1;
    for (;;) {
        if (len == cap) {
            cap *= 2;
            char *nb = realloc(buf, cap);
            if (!nb) return 1;
            buf = nb;
        }
        ssize_t n = read(0, buf + len, cap - len);
        if (n <= 0) break;              /* EOF or error: stop reading */
        len += (size_t)n;
    }
    if (len > 0) {
        fputs("echo: ", stdout);
        fwrite(buf, 1, len, stdout);
        fflush(stdout);
    }
    free(buf);
    return 0;
}
