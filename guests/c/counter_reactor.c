/*
 * counter_reactor.c -- reactor whose global counter survives between calls.
 * Each ubiq_handle increments the counter and responds with its new value in
 * decimal: "1", "2", "3", ... on a reused instance; always "1" on a fresh one.
 * ubiq_alloc = malloc; the request is ignored and freed.
 */
#include "ubiq_abi.h"

static long long counter;
static char resp[24];

UBIQ_DEFINE_MALLOC_ALLOC()

UBIQ_EXPORT("ubiq_handle")
int64_t ubiq_handle(int32_t ptr, int32_t len) {
    (void)len;
    free((void *)(uintptr_t)ptr);
    counter++;
    return ubiq_pack(resp, ubiq_format_long(resp, counter));
}
