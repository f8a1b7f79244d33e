// Copies stdin to stdout and counts bytes and lines: the request body arrives as stdin, to EOF.
#include <stdio.h>

int main(void) {
    char buf[4096];
    size_t n, bytes = 0, lines = 0;
    while ((n = fread(buf, 1, sizeof buf, stdin)) > 0) {
        for (size_t i = 0; i < n; i++) if (buf[i] == '\n') lines++;
        fwrite(buf, 1, n, stdout);
        bytes += n;
    }
    printf("-- %zu bytes, %zu lines, eof=%d error=%d\n", bytes, lines, feof(stdin) != 0, ferror(stdin) != 0);
    return 0;
}
