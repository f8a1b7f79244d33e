/*
 * abi_bench.c -- benchmark reactor for host ABI v1 (HostAbiBench). Raw exports, static buffers,
 * no allocation on the measured paths. The request's first byte selects:
 *
 *   E...        echo: the response is the request itself (the callee of a call)
 *   C<n>        n calls of function "sink" with a 1 KiB payload (1 KiB echoed back)
 *   P<n> / G<n> n kv_put / kv_get of a 1 KiB value in namespace "bench" (64 keys, round robin)
 *   Q<n>        n rounds of channel_send + channel_recv of a 64 KiB message on channel "bench"
 *
 * C, P, G and Q time each operation with ubiq:v1.clock_monotonic_ns and respond
 * "ops=<n> p50=<ns> p99=<ns> mean=<ns>" (or "err=<code>" at the first failure).
 */
#include <stdint.h>
#include "ubiq.h"

#define MAX_OPS 20000
static uint8_t request[1 << 17];
static uint8_t payload[1024];
static uint8_t reply[2048];
static uint8_t big[65536];
static uint8_t bigout[65536];
static int64_t samples[MAX_OPS];
static char out[128];
static const char KV_NS[] = "bench";
static const char CHAN[] = "bench";
static const char SINK[] = "sink";

UBIQ_EXPORT("ubiq_alloc") int32_t ubiq_alloc(int32_t len) {
    return len <= (int32_t)sizeof request ? (int32_t)(uintptr_t)request : 0;
}

static int32_t parse(const uint8_t *p, int32_t len) {
    int32_t v = 0;
    for (int32_t i = 1; i < len && p[i] >= '0' && p[i] <= '9'; i++) v = v * 10 + (p[i] - '0');
    return v > MAX_OPS ? MAX_OPS : v;
}

static int put_u(char *b, int at, const char *label, int64_t v) {
    for (const char *l = label; *l; l++) b[at++] = *l;
    char tmp[24];
    int n = 0;
    if (v < 0) { b[at++] = '-'; v = -v; }
    do { tmp[n++] = (char)('0' + v % 10); v /= 10; } while (v);
    while (n) b[at++] = tmp[--n];
    return at;
}

/* insertion sort is fine: the samples are nearly sorted in size and n is small */
static void sort(int64_t *a, int32_t n) {
    for (int32_t i = 1; i < n; i++) {
        int64_t x = a[i];
        int32_t j = i - 1;
        while (j >= 0 && a[j] > x) { a[j + 1] = a[j]; j--; }
        a[j + 1] = x;
    }
}

static int64_t report(int32_t n, int32_t err) {
    int at = 0;
    if (err < 0) {
        at = put_u(out, 0, "err=", err);
    } else {
        int64_t sum = 0;
        for (int32_t i = 0; i < n; i++) sum += samples[i];
        sort(samples, n);
        at = put_u(out, at, "ops=", n);
        at = put_u(out, at, " p50=", n ? samples[n / 2] : 0);
        at = put_u(out, at, " p99=", n ? samples[(int64_t)n * 99 / 100] : 0);
        at = put_u(out, at, " mean=", n ? sum / n : 0);
    }
    return ((int64_t)(uint32_t)(uintptr_t)out << 32) | (uint32_t)at;
}

UBIQ_EXPORT("ubiq_handle") int64_t ubiq_handle(int32_t ptr, int32_t len) {
    const uint8_t *req = (const uint8_t *)(uintptr_t)ptr;
    if (len <= 0 || req[0] == 'E') {
        return ((int64_t)(uint32_t)ptr << 32) | (uint32_t)(len < 0 ? 0 : len);
    }
    int32_t n = parse(req, len);
    char key[2] = {'k', 0};
    for (int32_t i = 0; i < n; i++) {
        int32_t r = 0;
        int64_t t0 = ubiq_clock_monotonic_ns();
        switch (req[0]) {
        case 'C':
            r = ubiq_raw_call(SINK, sizeof SINK - 1, payload, sizeof payload, reply, sizeof reply);
            break;
        case 'P':
            key[1] = (char)('0' + (i & 63));
            r = ubiq_raw_kv_put(KV_NS, sizeof KV_NS - 1, key, 2, payload, sizeof payload);
            break;
        case 'G':
            key[1] = (char)('0' + (i & 63));
            r = ubiq_raw_kv_get(KV_NS, sizeof KV_NS - 1, key, 2, reply, sizeof reply);
            break;
        case 'Q':
            r = ubiq_raw_channel_send(CHAN, sizeof CHAN - 1, big, sizeof big, 0);
            if (r >= 0) r = ubiq_raw_channel_recv(CHAN, sizeof CHAN - 1, bigout, sizeof bigout, 0);
            break;
        default:
            r = UBIQ_E_INVALID;
        }
        samples[i] = ubiq_clock_monotonic_ns() - t0;
        if (r < 0) return report(i, r);
    }
    return report(n, 0);
}
