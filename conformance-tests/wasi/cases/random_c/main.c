// random_get: two calls fill buffers that differ, and the bytes are not all equal.
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <wasi/api.h>

int main(void) {
    unsigned char a[32], b[32];
    memset(a, 0, sizeof a);
    memset(b, 0, sizeof b);
    __wasi_errno_t e1 = __wasi_random_get(a, sizeof a);
    __wasi_errno_t e2 = __wasi_random_get(b, sizeof b);
    int distinct = 0;
    for (size_t i = 1; i < sizeof a; i++) if (a[i] != a[0]) distinct = 1;
    printf("random_get: errno %d and %d\n", e1, e2);
    printf("two calls differ: %s\n", memcmp(a, b, sizeof a) != 0 ? "yes" : "no");
    printf("bytes of one call are not all equal: %s\n", distinct ? "yes" : "no");
    // arc4random_buf is wasi-libc's path to random_get
    unsigned char c[16] = {0};
    arc4random_buf(c, sizeof c);
    int nonzero = 0;
    for (size_t i = 0; i < sizeof c; i++) if (c[i]) nonzero = 1;
    printf("arc4random_buf gave a non-zero byte: %s\n", nonzero ? "yes" : "no");
    return 0;
}
