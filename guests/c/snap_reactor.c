/*
 * snap_reactor.c -- reactor for snapshot tests: state in globals, heap and a function table.
 *
 * Its init export "setup" (named by the manifest's init key) fills a 256 KiB heap table and
 * picks an operation through a function pointer. Every ubiq_handle then mutates that state:
 * it bumps a counter, scribbles over the heap table and returns
 *   "calls=N setups=S sum=X"
 * On an instance forked from a snapshot taken after setup, every call answers calls=1 setups=1
 * with the same sum; a reused instance that kept its state would answer calls=2, a different sum.
 * A request "grow" also allocates 4 MiB, so memory grows past the snapshot's size.
 */
#include "ubiq_abi.h"
#include <string.h>

#define TABLE_WORDS (64 * 1024)

static long long calls;
static long long setups;
static uint32_t *table;
static char resp[96];
static char *volatile hog; /* volatile: the compiler must not drop the allocation as unused */

static uint32_t mix_add(uint32_t a, uint32_t b) { return a + b * 2654435761u; }
static uint32_t mix_xor(uint32_t a, uint32_t b) { return (a ^ b) * 40503u; }
static uint32_t (*volatile op)(uint32_t, uint32_t) = mix_xor;

UBIQ_DEFINE_MALLOC_ALLOC()

UBIQ_EXPORT("setup")
void setup(void) {
    setups++;
    table = malloc(TABLE_WORDS * sizeof(uint32_t));
    for (uint32_t i = 0; i < TABLE_WORDS; i++) table[i] = i * 7919u;
    op = mix_add;
}

static uint32_t append(uint32_t at, const char *label, long long v) {
    uint32_t n = (uint32_t)strlen(label);
    memcpy(resp + at, label, n);
    at += n;
    return at + ubiq_format_long(resp + at, v);
}

UBIQ_EXPORT("ubiq_handle")
int64_t ubiq_handle(int32_t ptr, int32_t len) {
    const char *req = (const char *)(uintptr_t)ptr;
    if (len >= 4 && memcmp(req, "grow", 4) == 0) {
        hog = malloc(4 << 20);
        if (hog) memset(hog, 1, 4 << 20); /* kept on purpose: the next instance must not see it */
    }
    free((void *)(uintptr_t)ptr);
    calls++;
    uint32_t sum = 0;
    if (table) {
        for (uint32_t i = 0; i < TABLE_WORDS; i++) {
            sum = op(sum, table[i]);
            table[i] = table[i] * 3u + (uint32_t)calls;
        }
    }
    uint32_t n = append(0, "calls=", calls);
    n = append(n, " setups=", setups);
    n = append(n, " sum=", (long long)sum);
    return ubiq_pack(resp, n);
}
