/*
 * ubiq.h -- C guest SDK for Ubiq host ABI v1 (import module "ubiq:v1").
 *
 * Reference: host-abi/docs/abi-v1.md. Build a function (a reactor) with clang 14+:
 *
 *   clang --target=wasm32-wasi -O2 -mexec-model=reactor -I host-abi/guest/c \
 *         -o hello.wasm hello.c host-abi/guest/c/ubiq.c
 *
 *   #include "ubiq.h"
 *   static ubiq_bytes handle(const uint8_t *req, uint32_t len) {
 *       ubiq_log(UBIQ_INFO, "hello called");
 *       return ubiq_bytes_copy(req, len);            // echo
 *   }
 *   UBIQ_HANDLER(handle)
 *
 * Conventions: every call returns a negative UBIQ_E_* code for an expected failure (never traps
 * for one); a pointer/length outside linear memory traps. Hostcalls that return bytes take an
 * output buffer and return the full length n; when n > capacity nothing was written and the bytes
 * wait for ubiq_result_read(). The *_alloc helpers below do that dance and hand back malloc'd
 * memory the caller frees.
 */
#ifndef UBIQ_H
#define UBIQ_H
#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- error codes (stable, see AbiError in host-abi) ---- */
#define UBIQ_E_NOT_FOUND       (-1)
#define UBIQ_E_DENIED          (-2)
#define UBIQ_E_FULL            (-3)
#define UBIQ_E_TIMEOUT         (-4)
#define UBIQ_E_WOULD_BLOCK     (-5)
#define UBIQ_E_BUSY            (-6)
#define UBIQ_E_TOO_LARGE       (-7)
#define UBIQ_E_INVALID         (-8)
#define UBIQ_E_CALLEE_FAILED   (-9)
#define UBIQ_E_DEPTH_EXCEEDED  (-10)
#define UBIQ_E_NO_RESULT       (-11)
#define UBIQ_E_UNAVAILABLE     (-12)
/* returned by the SDK's *_alloc helpers when malloc fails (not a host code) */
#define UBIQ_E_NO_MEMORY       (-100)

/* ---- log levels ---- */
#define UBIQ_DEBUG 0
#define UBIQ_INFO  1
#define UBIQ_WARN  2
#define UBIQ_ERROR 3

#define UBIQ_IMPORT(name) __attribute__((import_module("ubiq:v1"), import_name(name)))
#define UBIQ_EXPORT(name) __attribute__((export_name(name)))

/* ---- raw imports: exactly the ABI table ---- */
UBIQ_IMPORT("log")                int32_t ubiq_raw_log(int32_t level, const void *msg, uint32_t len);
UBIQ_IMPORT("clock_monotonic_ns") int64_t ubiq_clock_monotonic_ns(void);
UBIQ_IMPORT("clock_wall_ns")      int64_t ubiq_clock_wall_ns(void);
UBIQ_IMPORT("random")             int32_t ubiq_random(void *buf, uint32_t len);
UBIQ_IMPORT("config_get")         int32_t ubiq_raw_config_get(const void *key, uint32_t klen, void *out, uint32_t cap);
UBIQ_IMPORT("kv_get")             int32_t ubiq_raw_kv_get(const void *ns, uint32_t nslen, const void *key, uint32_t klen, void *out, uint32_t cap);
UBIQ_IMPORT("kv_put")             int32_t ubiq_raw_kv_put(const void *ns, uint32_t nslen, const void *key, uint32_t klen, const void *val, uint32_t vlen);
UBIQ_IMPORT("kv_delete")          int32_t ubiq_raw_kv_delete(const void *ns, uint32_t nslen, const void *key, uint32_t klen);
UBIQ_IMPORT("kv_list")            int32_t ubiq_raw_kv_list(const void *ns, uint32_t nslen, const void *prefix, uint32_t plen, void *out, uint32_t cap);
UBIQ_IMPORT("call")               int32_t ubiq_raw_call(const void *fn, uint32_t fnlen, const void *payload, uint32_t plen, void *out, uint32_t cap);
UBIQ_IMPORT("spawn")              int32_t ubiq_raw_spawn(const void *fn, uint32_t fnlen, const void *payload, uint32_t plen);
UBIQ_IMPORT("await")              int32_t ubiq_raw_await(int32_t handle, void *out, uint32_t cap);
UBIQ_IMPORT("channel_send")       int32_t ubiq_raw_channel_send(const void *name, uint32_t nlen, const void *msg, uint32_t mlen, int32_t timeout_ms);
UBIQ_IMPORT("channel_recv")       int32_t ubiq_raw_channel_recv(const void *name, uint32_t nlen, void *out, uint32_t cap, int32_t timeout_ms);
UBIQ_IMPORT("result_read")        int32_t ubiq_result_read(void *out, uint32_t cap);

/* ---- convenience (ubiq.c) ---- */

/* A byte buffer; the SDK functions that return one malloc it, the caller frees .data. */
typedef struct {
    uint8_t *data;
    uint32_t len;
} ubiq_bytes;

/* Copies len bytes into a fresh ubiq_bytes (data NULL and len 0 when malloc fails). */
ubiq_bytes ubiq_bytes_copy(const void *data, uint32_t len);
/* Copies a NUL-terminated string (without the NUL). */
ubiq_bytes ubiq_bytes_str(const char *s);

/* Logs a NUL-terminated message at a level (goes to the function's log). */
void ubiq_log(int32_t level, const char *msg);

/* Reads a config value from the manifest's [config] table into *out (malloc'd). Returns its length or an error. */
int32_t ubiq_config_alloc(const char *key, ubiq_bytes *out);

/* KV with NUL-terminated namespace; value returned malloc'd in *out. Return length, 0, or an error. */
int32_t ubiq_kv_get_alloc(const char *ns, const void *key, uint32_t klen, ubiq_bytes *out);
int32_t ubiq_kv_put(const char *ns, const void *key, uint32_t klen, const void *val, uint32_t vlen);
int32_t ubiq_kv_delete(const char *ns, const void *key, uint32_t klen);

/* Calls another function on this node; response malloc'd into *out. On UBIQ_E_CALLEE_FAILED,
 * *out holds the callee's error message. Returns the response length or an error. */
int32_t ubiq_call_alloc(const char *fn, const void *payload, uint32_t plen, ubiq_bytes *out);
/* Starts a sub-invocation; returns a handle (> 0) or an error. */
int32_t ubiq_spawn(const char *fn, const void *payload, uint32_t plen);
/* Waits for a spawned call; response malloc'd into *out. */
int32_t ubiq_await_alloc(int32_t handle, ubiq_bytes *out);

/* Channels with NUL-terminated names; timeout_ms 0 = do not wait. */
int32_t ubiq_channel_send(const char *name, const void *msg, uint32_t mlen, int32_t timeout_ms);
int32_t ubiq_channel_recv_alloc(const char *name, int32_t timeout_ms, ubiq_bytes *out);

/* A short name for an error code ("DENIED"...). */
const char *ubiq_strerror(int32_t code);

/* ---- reactor entry points ----
 * UBIQ_HANDLER(fn) defines ubiq_alloc and ubiq_handle around
 *     ubiq_bytes fn(const uint8_t *req, uint32_t len);
 * The request buffer is freed after fn returns; the response (malloc'd by fn, or {NULL,0}) is
 * kept until the next request. */
int64_t ubiq_sdk_handle(ubiq_bytes (*fn)(const uint8_t *, uint32_t), int32_t ptr, int32_t len);
int32_t ubiq_sdk_alloc(int32_t len);

#define UBIQ_HANDLER(fn)                                                    \
    UBIQ_EXPORT("ubiq_alloc") int32_t ubiq_alloc(int32_t len) {             \
        return ubiq_sdk_alloc(len);                                         \
    }                                                                       \
    UBIQ_EXPORT("ubiq_handle") int64_t ubiq_handle(int32_t ptr, int32_t len) { \
        return ubiq_sdk_handle(fn, ptr, len);                               \
    }

#ifdef __cplusplus
}
#endif
#endif /* UBIQ_H */
