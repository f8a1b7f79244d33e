/*
 * fib.c -- naive recursive Fibonacci (fib(0)=0, fib(1)=1), used for CPU benchmarks.
 *
 * Built twice from this one file:
 *  - wasm reactor (default): exports fib(i32)->i32, plus the Ubiq reactor ABI
 *    (memory, ubiq_alloc, ubiq_handle, _initialize). The request is a decimal n,
 *    the response the decimal fib(n).
 *  - native baseline (-DUBIQ_NATIVE, gcc -O2): `fib N REPS` prints
 *    "fib(N)=V median_ns=T reps=REPS" where T is the median wall time (ns,
 *    CLOCK_MONOTONIC) of one fib(N) over REPS repetitions.
 */
#include <stdint.h>

/* noinline: keep one real recursive function that both builds run. */
__attribute__((noinline))
int32_t fib(int32_t n) {
    if (n < 2) return n;
    return fib(n - 1) + fib(n - 2);
}

#ifndef UBIQ_NATIVE
#include "ubiq_abi.h"

/* Raw export for direct (non-ABI) calls from benchmarks. */
UBIQ_EXPORT("fib") int32_t fib_export(int32_t n) { return fib(n); }

UBIQ_DEFINE_MALLOC_ALLOC()

static char resp[24];

UBIQ_EXPORT("ubiq_handle")
int64_t ubiq_handle(int32_t ptr, int32_t len) {
    long n = ubiq_parse_long((const char *)(uintptr_t)ptr, len);
    free((void *)(uintptr_t)ptr);
    uint32_t rlen = ubiq_format_long(resp, fib((int32_t)n));
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
    int n = argc > 1 ? atoi(argv[1]) : 30;
    int reps = argc > 2 ? atoi(argv[2]) : 5;
    if (reps < 1) reps = 1;
    long long *ns = malloc(sizeof *ns * (size_t)reps);
    volatile int32_t vn = n;        /* stop gcc hoisting fib() out of the loop */
    volatile int32_t sink = 0;
    for (int r = 0; r < reps; r++) {
        struct timespec t0, t1;
        clock_gettime(CLOCK_MONOTONIC, &t0);
        sink = fib(vn);
        clock_gettime(CLOCK_MONOTONIC, &t1);
        ns[r] = (t1.tv_sec - t0.tv_sec) * 1000000000LL + (t1.tv_nsec - t0.tv_nsec);
    }
    qsort(ns, (size_t)reps, sizeof *ns, cmp_ll);
    printf("fib(%d)=%d median_ns=%lld reps=%d\n", n, (int)sink, ns[reps / 2], reps);
    free(ns);
    return 0;
}
#endif
