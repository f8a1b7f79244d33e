/*
 * heavy_init.c -- reactor whose ubiq_init takes tens of milliseconds building tables, like a
 * language runtime that parses its standard library at start. With init per instance every new
 * instance pays that; from a snapshot it is paid once at deploy.
 *
 * ubiq_init builds a 1 MiB table of mixed values in ROUNDS (64) passes: 50-100 ms compiled on a
 * 2-core EPYC VM. ubiq_handle(n) answers
 * "v=<table[n % size]> ready=<1 when init ran>".
 */
#include "ubiq_abi.h"

#define WORDS (256 * 1024)
#define ROUNDS 64

static uint32_t table[WORDS];
static int ready;
static char resp[48];

UBIQ_DEFINE_MALLOC_ALLOC()

UBIQ_EXPORT("ubiq_init")
void ubiq_init(void) {
    uint32_t x = 2463534242u;
    for (int r = 0; r < ROUNDS; r++) {
        for (uint32_t i = 0; i < WORDS; i++) {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            table[i] = table[i] * 31u + x;
        }
    }
    ready = 1;
}

UBIQ_EXPORT("ubiq_handle")
int64_t ubiq_handle(int32_t ptr, int32_t len) {
    long n = ubiq_parse_long((const char *)(uintptr_t)ptr, len);
    free((void *)(uintptr_t)ptr);
    uint32_t i = (uint32_t)(n < 0 ? -n : n) % WORDS;
    uint32_t at = 0;
    resp[at++] = 'v';
    resp[at++] = '=';
    at += ubiq_format_long(resp + at, (long long)table[i]);
    const char *r = " ready=";
    while (*r) resp[at++] = *r++;
    at += ubiq_format_long(resp + at, ready);
    return ubiq_pack(resp, at);
}
