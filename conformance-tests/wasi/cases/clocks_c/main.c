// Clocks: only facts that hold on any sane host are printed, never a time.
#include <stdio.h>
#include <time.h>
#include <wasi/api.h>

int main(void) {
    // realtime: after 2020-01-01 and before 2100-01-01
    __wasi_timestamp_t rt = 0;
    __wasi_errno_t e = __wasi_clock_time_get(__WASI_CLOCKID_REALTIME, 1, &rt);
    long long secs = (long long)(rt / 1000000000ull);
    printf("realtime: errno=%d, between 2020 and 2100: %s\n", e,
           secs > 1577836800LL && secs < 4102444800LL ? "yes" : "no");

    struct timespec ts;
    int rc = clock_gettime(CLOCK_REALTIME, &ts);
    long long diff = (long long)ts.tv_sec - secs;
    printf("clock_gettime(CLOCK_REALTIME): rc=%d, within 60 s of clock_time_get: %s\n", rc,
           diff > -60 && diff < 60 ? "yes" : "no");

    // monotonic: never goes back, and moves forward while we work
    __wasi_timestamp_t m0 = 0, m1 = 0, prev;
    e = __wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &m0);
    printf("monotonic: errno=%d\n", e);
    int backwards = 0;
    long spins = 0;
    prev = m0;
    do {
        if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &m1) != 0) break;
        if (m1 < prev) backwards = 1;
        prev = m1;
        spins++;
    } while (m1 == m0 && spins < 100000000L);
    printf("monotonic: went backwards: %s, increased: %s\n", backwards ? "yes" : "no", m1 > m0 ? "yes" : "no");

    // a 5 ms busy wait on the monotonic clock ends; a loop measured with clock_gettime takes >= 0 s
    __wasi_timestamp_t start = m1, now = m1;
    while (now - start < 5000000ull) {
        if (__wasi_clock_time_get(__WASI_CLOCKID_MONOTONIC, 1, &now) != 0) break;
    }
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    volatile unsigned long sink = 0;
    for (unsigned long i = 0; i < 1000000UL; i++) sink += i;
    (void)sink;
    clock_gettime(CLOCK_MONOTONIC, &b);
    long long dns = ((long long)b.tv_sec - a.tv_sec) * 1000000000LL + (b.tv_nsec - a.tv_nsec);
    printf("clock_gettime(CLOCK_MONOTONIC): elapsed over a loop is >= 0 and < 5 s: %s\n",
           dns >= 0 && dns < 5000000000LL ? "yes" : "no");

    // resolution: positive and at most 1 ms for both clocks
    __wasi_timestamp_t r1 = 0, r2 = 0;
    __wasi_errno_t e1 = __wasi_clock_res_get(__WASI_CLOCKID_REALTIME, &r1);
    __wasi_errno_t e2 = __wasi_clock_res_get(__WASI_CLOCKID_MONOTONIC, &r2);
    printf("clock_res_get: realtime errno=%d in (0, 1 ms]: %s; monotonic errno=%d in (0, 1 ms]: %s\n",
           e1, r1 > 0 && r1 <= 1000000 ? "yes" : "no", e2, r2 > 0 && r2 <= 1000000 ? "yes" : "no");
    return 0;
}
