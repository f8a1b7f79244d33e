/*
 * spin_reactor.c -- reactor (-mexec-model=reactor, exports _initialize).
 * ubiq_handle never returns: it spins on a volatile global, like spin.c.
 * ubiq_alloc is malloc. The host must interrupt the call.
 */
#include "ubiq_abi.h"

volatile int stop = 0;
volatile unsigned long long counter = 0;

UBIQ_DEFINE_MALLOC_ALLOC()

UBIQ_EXPORT("ubiq_handle")
int64_t ubiq_handle(int32_t ptr, int32_t len) {
    (void)len;
    while (!stop) {
        counter++;
    }
    free((void *)(uintptr_t)ptr);   /* never reached */
    return ubiq_pack(0, 0);
}
