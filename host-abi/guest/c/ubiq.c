/* ubiq.c -- convenience layer of the C guest SDK; see ubiq.h. */
#include "ubiq.h"
#include <stdlib.h>
#include <string.h>

#define UBIQ_FIRST_TRY 4096u

ubiq_bytes ubiq_bytes_copy(const void *data, uint32_t len) {
    ubiq_bytes b = {NULL, 0};
    b.data = malloc(len ? len : 1);
    if (!b.data) return b;
    if (len) memcpy(b.data, data, len);
    b.len = len;
    return b;
}

ubiq_bytes ubiq_bytes_str(const char *s) {
    return ubiq_bytes_copy(s, (uint32_t)strlen(s));
}

void ubiq_log(int32_t level, const char *msg) {
    ubiq_raw_log(level, msg, (uint32_t)strlen(msg));
}

/* Finishes a hostcall that wrote into a UBIQ_FIRST_TRY buffer: n > cap means the result is pending. */
static int32_t finish(int32_t n, uint8_t *buf, ubiq_bytes *out) {
    out->data = NULL;
    out->len = 0;
    if (n < 0 && n != UBIQ_E_CALLEE_FAILED) {
        free(buf);
        return n;
    }
    int32_t code = n;
    if (n == UBIQ_E_CALLEE_FAILED) {
        /* the callee's message is pending: fetch it so the caller can show it */
        n = ubiq_result_read(buf, UBIQ_FIRST_TRY);
        if (n < 0) { free(buf); return code; }
    }
    if ((uint32_t)n > UBIQ_FIRST_TRY) {
        uint8_t *big = realloc(buf, (size_t)n);
        if (!big) { free(buf); return UBIQ_E_NO_MEMORY; }
        buf = big;
        int32_t r = ubiq_result_read(buf, (uint32_t)n);
        if (r < 0) { free(buf); return r; }
    }
    out->data = buf;
    out->len = (uint32_t)n;
    return code < 0 ? code : n;
}

int32_t ubiq_config_alloc(const char *key, ubiq_bytes *out) {
    uint8_t *buf = malloc(UBIQ_FIRST_TRY);
    if (!buf) return UBIQ_E_NO_MEMORY;
    return finish(ubiq_raw_config_get(key, (uint32_t)strlen(key), buf, UBIQ_FIRST_TRY), buf, out);
}

int32_t ubiq_kv_get_alloc(const char *ns, const void *key, uint32_t klen, ubiq_bytes *out) {
    uint8_t *buf = malloc(UBIQ_FIRST_TRY);
    if (!buf) return UBIQ_E_NO_MEMORY;
    return finish(ubiq_raw_kv_get(ns, (uint32_t)strlen(ns), key, klen, buf, UBIQ_FIRST_TRY), buf, out);
}

int32_t ubiq_kv_put(const char *ns, const void *key, uint32_t klen, const void *val, uint32_t vlen) {
    return ubiq_raw_kv_put(ns, (uint32_t)strlen(ns), key, klen, val, vlen);
}

int32_t ubiq_kv_delete(const char *ns, const void *key, uint32_t klen) {
    return ubiq_raw_kv_delete(ns, (uint32_t)strlen(ns), key, klen);
}

int32_t ubiq_call_alloc(const char *fn, const void *payload, uint32_t plen, ubiq_bytes *out) {
    uint8_t *buf = malloc(UBIQ_FIRST_TRY);
    if (!buf) return UBIQ_E_NO_MEMORY;
    return finish(ubiq_raw_call(fn, (uint32_t)strlen(fn), payload, plen, buf, UBIQ_FIRST_TRY), buf, out);
}

int32_t ubiq_spawn(const char *fn, const void *payload, uint32_t plen) {
    return ubiq_raw_spawn(fn, (uint32_t)strlen(fn), payload, plen);
}

int32_t ubiq_await_alloc(int32_t handle, ubiq_bytes *out) {
    uint8_t *buf = malloc(UBIQ_FIRST_TRY);
    if (!buf) return UBIQ_E_NO_MEMORY;
    return finish(ubiq_raw_await(handle, buf, UBIQ_FIRST_TRY), buf, out);
}

int32_t ubiq_channel_send(const char *name, const void *msg, uint32_t mlen, int32_t timeout_ms) {
    return ubiq_raw_channel_send(name, (uint32_t)strlen(name), msg, mlen, timeout_ms);
}

int32_t ubiq_channel_recv_alloc(const char *name, int32_t timeout_ms, ubiq_bytes *out) {
    uint8_t *buf = malloc(UBIQ_FIRST_TRY);
    if (!buf) return UBIQ_E_NO_MEMORY;
    return finish(ubiq_raw_channel_recv(name, (uint32_t)strlen(name), buf, UBIQ_FIRST_TRY, timeout_ms), buf, out);
}

const char *ubiq_strerror(int32_t code) {
    static const char *names[] = {"OK", "NOT_FOUND", "DENIED", "FULL", "TIMEOUT", "WOULD_BLOCK", "BUSY",
                                  "TOO_LARGE", "INVALID", "CALLEE_FAILED", "DEPTH_EXCEEDED", "NO_RESULT",
                                  "UNAVAILABLE"};
    if (code == UBIQ_E_NO_MEMORY) return "NO_MEMORY";
    if (code <= 0 && code >= -12) return names[-code];
    return "UNKNOWN";
}

static ubiq_bytes last_response;

int32_t ubiq_sdk_alloc(int32_t len) {
    return (int32_t)(uintptr_t)malloc(len > 0 ? (size_t)len : 1);
}

int64_t ubiq_sdk_handle(ubiq_bytes (*fn)(const uint8_t *, uint32_t), int32_t ptr, int32_t len) {
    free(last_response.data);
    last_response = fn((const uint8_t *)(uintptr_t)ptr, len > 0 ? (uint32_t)len : 0);
    if (ptr) free((void *)(uintptr_t)ptr);
    return (int64_t)(((uint64_t)(uint32_t)(uintptr_t)last_response.data << 32) | (uint64_t)last_response.len);
}
