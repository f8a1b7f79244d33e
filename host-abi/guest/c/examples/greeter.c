/*
 * greeter.c -- example function using the C SDK: a handler, a call to another function, kv use.
 *
 *   request: a name, e.g. "alice"
 *   response: "Hello, ALICE! (visit 2)"
 *
 * It counts visits per name in kv namespace "greeter" and asks function "upper" to shout the
 * name. Manifest: capabilities = ["kv:greeter", "call:upper"]. Without them the response says
 * which hostcall was refused ("kv_get failed: DENIED"), and the denial is in the function's log.
 * An optional config key "greeting" replaces "Hello".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ubiq.h"

static ubiq_bytes fail(const char *what, int32_t code) {
    char msg[96];
    snprintf(msg, sizeof msg, "%s failed: %s", what, ubiq_strerror(code));
    ubiq_log(UBIQ_ERROR, msg);
    return ubiq_bytes_str(msg);
}

static ubiq_bytes greet(const uint8_t *req, uint32_t len) {
    long visits = 0;
    ubiq_bytes v;
    int32_t n = ubiq_kv_get_alloc("greeter", req, len, &v);
    if (n >= 0) {
        char tmp[24] = {0};
        memcpy(tmp, v.data, v.len < 23 ? v.len : 23);
        visits = atol(tmp);
        free(v.data);
    } else if (n != UBIQ_E_NOT_FOUND) {
        return fail("kv_get", n);
    }
    visits++;
    char count[24];
    int clen = snprintf(count, sizeof count, "%ld", visits);
    n = ubiq_kv_put("greeter", req, len, count, (uint32_t)clen);
    if (n < 0) return fail("kv_put", n);

    ubiq_bytes shouted;
    n = ubiq_call_alloc("upper", req, len, &shouted);
    if (n < 0) {
        free(shouted.data);
        return fail("call upper", n);
    }
    ubiq_bytes greeting;
    const char *word = "Hello";
    if (ubiq_config_alloc("greeting", &greeting) >= 0) {
        /* NUL-terminate the config value for printf */
        char *w = realloc(greeting.data, greeting.len + 1);
        if (w) { w[greeting.len] = 0; word = w; greeting.data = (uint8_t *)w; }
    } else {
        greeting.data = NULL;
    }
    size_t cap = strlen(word) + shouted.len + 48;
    char *out = malloc(cap);
    int olen = out ? snprintf(out, cap, "%s, %.*s! (visit %ld)", word, (int)shouted.len, (const char *)shouted.data, visits) : 0;
    free(shouted.data);
    free(greeting.data);
    ubiq_log(UBIQ_INFO, "greeted");
    ubiq_bytes r = {(uint8_t *)out, out ? (uint32_t)olen : 0};
    return r;
}

UBIQ_HANDLER(greet)
