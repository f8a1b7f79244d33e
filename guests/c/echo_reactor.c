/*
 * echo_reactor.c -- reactor built on wasi-libc (imports WASI, exports _initialize).
 *   ubiq_alloc  = malloc
 *   ubiq_init   = writes "echo_reactor: init\n" to stderr (via WASI fd_write)
 *   ubiq_handle = response is "echo:" followed by the request bytes, in a fresh
 *                 malloc'd buffer. The request is freed; the previous response
 *                 is freed at the next call.
 */
#include <stdio.h>
#include <string.h>
#include "ubiq_abi.h"

UBIQ_DEFINE_MALLOC_ALLOC()

static char *last_resp;

UBIQ_EXPORT("ubiq_init")
void ubiq_init(void) {
    fputs("echo_reactor: init\n", stderr);
}

UBIQ_EXPORT("ubiq_handle")
int64_t ubiq_handle(int32_t ptr, int32_t len) {
    static const char prefix[] = "echo:";
    const size_t plen = sizeof prefix - 1;
    if (len < 0) len = 0;
    free(last_resp);
    last_resp = malloc(plen + (size_t)len);
    if (!last_resp) __builtin_trap();
    memcpy(last_resp, prefix, plen);
    memcpy(last_resp + plen, (const void *)(uintptr_t)ptr, (size_t)len);
    free((void *)(uintptr_t)ptr);
    return ubiq_pack(last_resp, (uint32_t)(plen + (size_t)len));
}
