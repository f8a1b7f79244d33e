/*
 * matmul.c -- dense n x n double matrix multiply (n <= 256), for CPU benchmarks.
 *   a[i][j] = (i + j) % 7,  b[i][j] = (i * j) % 5,  c = a * b
 *   checksum = (int32) sum of all c[i][j]   (exact: every value is an integer)
 * n is clamped to [0, 256].
 *
 * Built twice from this one file:
 *  - wasm reactor (default): exports matmul(i32 n)->i32, plus the Ubiq reactor
 *    ABI (memory, ubiq_alloc, ubiq_handle, _initialize). Request: decimal n;
 *    response: decimal checksum.
 *  - native baseline (-DUBIQ_NATIVE, gcc -O2): `matmul N REPS` prints
 *    "matmul(N)=CHECKSUM median_ns=T reps=REPS".
 */
#include <stdint.h>

#define MAXN 256
static double A[MAXN][MAXN], B[MAXN][MAXN], C[MAXN][MAXN];

__attribute__((noinline))
int32_t matmul(int32_t n) {
    if (n < 0) n = 0;
    if (n > MAXN) n = MAXN;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            A[i][j] = (double)((i + j) % 7);
            B[i][j] = (double)((i * j) % 5);
        }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++) {
            double s = 0.0;
            for (int k = 0; k < n; k++)
                s += A[i][k] * B[k][j];
            C[i][j] = s;
        }
    double sum = 0.0;
    for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
            sum += C[i][j];
    return (int32_t)sum;
}

#ifndef UBIQ_NATIVE
#include "ubiq_abi.h"

UBIQ_EXPORT("matmul") int32_t matmul_export(int32_t n) { return matmul(n); }

UBIQ_DEFINE_MALLOC_ALLOC()

static char resp[24];

UBIQ_EXPORT("ubiq_handle")
int64_t ubiq_handle(int32_t ptr, int32_t len) {
    long n = ubiq_parse_long((const char *)(uintptr_t)ptr, len);
    free((void *)(uintptr_t)ptr);
    uint32_t rlen = ubiq_format_long(resp, matmul((int32_t)n));
    return ubiq_pack(resp, rlen);
}

#else /* native baseline */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static int cmp_ll(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

int main(int argc, char **argv) {
    int n = argc > 1 ? atoi(argv[1]) : 128;
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    if (reps < 1) reps = 1;
    long long *ns = malloc(sizeof *ns * (size_t)reps);
    volatile int32_t vn = n;
    volatile int32_t sink = 0;
    for (int r = 0; r < reps; r++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        sink = matmul(vn);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        ns[r] = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
    }
    qsort(ns, (size_t)reps, sizeof *ns, cmp_ll);
    printf("matmul(%d)=%d median_ns=%lld reps=%d\n", n, (int)sink, ns[reps / 2], reps);
    free(ns);
    return 0;
}
#endif
