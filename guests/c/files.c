/*
 * files.c -- WASI command (_start). Needs a preopened directory mounted at
 * guest path /data.
 *  1. reads /data/in.txt
 *  2. writes its content uppercased to /data/out.txt
 *  3. prints "ok\n"
 * Any failure in 1-2 prints an error (stderr) and exits 1.
 *  4. tries to open "/data/../../etc/passwd": prints "escape denied\n" when the
 *     open fails (expected) or "ESCAPED\n" when it succeeds (sandbox bug).
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    FILE *in = fopen("/data/in.txt", "rb");
    if (!in) { perror("open /data/in.txt"); return 1; }
    char buf[65536];
    size_t n = fread(buf, 1, sizeof buf, in);
    if (ferror(in)) { perror("read /data/in.txt"); return 1; }
    fclose(in);

    for (size_t i = 0; i < n; i++)
        buf[i] = (char)toupper((unsigned char)buf[i]);

    FILE *out = fopen("/data/out.txt", "wb");
    if (!out) { perror("open /data/out.txt"); return 1; }
    if (fwrite(buf, 1, n, out) != n) { perror("write /data/out.txt"); return 1; }
    if (fclose(out) != 0) { perror("close /data/out.txt"); return 1; }
    printf("ok\n");

    FILE *esc = fopen("/data/../../etc/passwd", "rb");
    if (esc) {
        printf("ESCAPED\n");
        fclose(esc);
    } else {
        printf("escape denied\n");
    }
    return 0;
}
