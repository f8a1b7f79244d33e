/*
 * ubiq_abi.h -- shared helpers for the C reactors (header-only, static).
 *
 * Reactor ABI (host side):
 *   ptr = ubiq_alloc(len)            host writes the request bytes at ptr
 *   r   = ubiq_handle(ptr, len)      r = ((u64)resp_ptr << 32) | (u32)resp_len
 *   host reads resp_len bytes at resp_ptr from the exported `memory`.
 * In these C reactors ubiq_alloc is malloc; ubiq_handle frees the request
 * buffer before returning, and a response stays valid until the next call.
 */
#ifndef UBIQ_ABI_H
#define UBIQ_ABI_H
#include <stdint.h>
#include <stdlib.h>

#define UBIQ_EXPORT(name) __attribute__((export_name(name)))

/* Pack a response pointer and length as the i64 ubiq_handle returns. */
static inline int64_t ubiq_pack(const void *ptr, uint32_t len) {
    return (int64_t)(((uint64_t)(uint32_t)(uintptr_t)ptr << 32) | (uint64_t)len);
}

/* Parse a leading (optionally signed) decimal from a request buffer. */
static inline long ubiq_parse_long(const char *p, int32_t len) {
    int32_t i = 0;
    long v = 0;
    int neg = 0;
    while (i < len && (p[i] == ' ' || p[i] == '\t' || p[i] == '\n' || p[i] == '\r')) i++;
    if (i < len && (p[i] == '-' || p[i] == '+')) { neg = p[i] == '-'; i++; }
    while (i < len && p[i] >= '0' && p[i] <= '9') { v = v * 10 + (p[i] - '0'); i++; }
    return neg ? -v : v;
}

/* Format v as decimal into buf (>= 24 bytes); returns the length. */
static inline uint32_t ubiq_format_long(char *buf, long long v) {
    char tmp[24];
    uint32_t n = 0, out = 0;
    unsigned long long u = v < 0 ? 0ULL - (unsigned long long)v : (unsigned long long)v;
    do { tmp[n++] = (char)('0' + u % 10); u /= 10; } while (u);
    if (v < 0) buf[out++] = '-';
    while (n) buf[out++] = tmp[--n];
    return out;
}

/* The conventional allocator export: plain malloc (never returns 0 for len 0). */
#define UBIQ_DEFINE_MALLOC_ALLOC()                                   \
    UBIQ_EXPORT("ubiq_alloc") int32_t ubiq_alloc(int32_t len) {      \
        return (int32_t)(uintptr_t)malloc(len > 0 ? (size_t)len : 1); \
    }

#endif
