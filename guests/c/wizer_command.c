/*
 * wizer_command.c -- WASI command following the Wizer convention: it exports
 * "wizer.initialize", which a pre-initialiser runs once before snapshotting; main works either
 * way (it runs the initialiser itself when nobody did).
 *
 * Prints "preinit=1 words=<n> check=<x> calls=1": preinit=1 when the state came from a snapshot
 * taken after wizer.initialize, preinit=0 when main had to initialise; calls counts mains run on
 * this state (always 1: each invocation starts from the snapshot again).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define WORDS 4096

static uint32_t *words;
static int preinit;
static int calls;

static void init(void) {
    words = malloc(WORDS * sizeof(uint32_t));
    for (uint32_t i = 0; i < WORDS; i++) words[i] = i * i + 17u;
}

__attribute__((export_name("wizer.initialize")))
void wizer_initialize(void) {
    init();
    preinit = 1;
}

int main(void) {
    if (!words) init();
    calls++;
    uint32_t check = 0;
    for (uint32_t i = 0; i < WORDS; i++) check = check * 31u + words[i];
    words[calls] = 0; /* a write the next invocation must not see */
    printf("preinit=%d words=%d check=%u calls=%d\n", preinit, WORDS, check, calls);
    return 0;
}
