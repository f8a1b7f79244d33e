/*
 * abi_probe.c -- test reactor that drives every ubiq:v1 hostcall from a text command, including
 * hostile arguments. Built with the C SDK (host-abi/guest/c). Commands (space separated):
 *
 *   echo TEXT                  -> TEXT
 *   log LEVEL TEXT             -> code of log(LEVEL, TEXT)
 *   clock                      -> "MONO WALL" (ns)
 *   random N                   -> N random bytes as hex, or the code
 *   config KEY                 -> value or "err:CODE"
 *   kvput NS KEY VALUE         -> code
 *   kvputn NS KEY N            -> code of a put of N bytes of 'x'
 *   kvget NS KEY               -> value or "err:CODE"
 *   kvdel NS KEY               -> code
 *   kvlist NS PREFIX           -> keys joined by ','; or "err:CODE"
 *   call FN PAYLOAD...         -> "ok:RESPONSE" or "err:CODE:MESSAGE"
 *   callsmall FN PAYLOAD...    -> like call with a 4-byte first buffer (exercises result_read)
 *   spawn FN N PAYLOAD...      -> N spawns, awaited in order: "ok:R1|ok:R2..." (err:CODE per failure)
 *   spawnleak FN N PAYLOAD...  -> spawns N and returns without awaiting: "handles:H1,H2,..."
 *   await H                    -> code of await(H) on a handle never spawned
 *   send CHAN N TIMEOUT_MS     -> code of sending N bytes ('a'+i%26)
 *   recv CHAN TIMEOUT_MS       -> "LEN:FIRST16" or "err:CODE"
 *   oob HOSTCALL               -> calls the hostcall with a pointer past the end of memory (traps)
 *   hugelen                    -> kv_put with a 2 GiB value length (traps)
 *   resultread                 -> code of result_read with nothing pending
 *   spin                       -> loops forever
 *   callspin FN                -> call FN "spin" (the callee spins until the deadline)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ubiq.h"

static char *next_tok(char **s) {
    while (**s == ' ') (*s)++;
    char *start = *s;
    while (**s && **s != ' ') (*s)++;
    if (**s) { **s = 0; (*s)++; }
    return start;
}

static ubiq_bytes fmt_code(int32_t code) {
    char b[32];
    snprintf(b, sizeof b, "%d", code);
    return ubiq_bytes_str(b);
}

static ubiq_bytes call_result(int32_t n, ubiq_bytes r) {
    size_t cap = r.len + 48;
    char *out = malloc(cap);
    int len = n >= 0 ? snprintf(out, cap, "ok:%.*s", (int)r.len, (const char *)r.data)
                     : snprintf(out, cap, "err:%d:%.*s", n, (int)r.len, r.data ? (const char *)r.data : "");
    free(r.data);
    ubiq_bytes b = {(uint8_t *)out, (uint32_t)len};
    return b;
}

static volatile int sink;

static ubiq_bytes probe(const uint8_t *req, uint32_t len) {
    char *cmd = malloc(len + 1);
    memcpy(cmd, req, len);
    cmd[len] = 0;
    char *s = cmd;
    char *op = next_tok(&s);
    ubiq_bytes out = {NULL, 0};
    if (!strcmp(op, "echo")) {
        out = ubiq_bytes_str(s);
    } else if (!strcmp(op, "log")) {
        int level = atoi(next_tok(&s));
        out = fmt_code(ubiq_raw_log(level, s, (uint32_t)strlen(s)));
    } else if (!strcmp(op, "clock")) {
        char b[64];
        snprintf(b, sizeof b, "%lld %lld", (long long)ubiq_clock_monotonic_ns(), (long long)ubiq_clock_wall_ns());
        out = ubiq_bytes_str(b);
    } else if (!strcmp(op, "random")) {
        int n = atoi(next_tok(&s));
        uint8_t *buf = malloc(n > 0 ? (size_t)n : 1);
        int32_t r = ubiq_random(buf, (uint32_t)n);
        if (r < 0) {
            out = fmt_code(r);
        } else {
            char *hex = malloc((size_t)n * 2 + 1);
            for (int i = 0; i < n; i++) sprintf(hex + 2 * i, "%02x", buf[i]);
            hex[2 * n] = 0;
            out = ubiq_bytes_str(hex);
            free(hex);
        }
        free(buf);
    } else if (!strcmp(op, "config")) {
        ubiq_bytes v;
        int32_t r = ubiq_config_alloc(next_tok(&s), &v);
        if (r < 0) { char b[32]; snprintf(b, sizeof b, "err:%d", r); out = ubiq_bytes_str(b); }
        else out = v;
    } else if (!strcmp(op, "kvput")) {
        char *ns = next_tok(&s), *key = next_tok(&s);
        out = fmt_code(ubiq_kv_put(ns, key, (uint32_t)strlen(key), s, (uint32_t)strlen(s)));
    } else if (!strcmp(op, "kvputn")) {
        char *ns = next_tok(&s), *key = next_tok(&s);
        int n = atoi(next_tok(&s));
        char *v = malloc(n > 0 ? (size_t)n : 1);
        memset(v, 'x', n > 0 ? (size_t)n : 0);
        out = fmt_code(ubiq_kv_put(ns, key, (uint32_t)strlen(key), v, (uint32_t)n));
        free(v);
    } else if (!strcmp(op, "kvget")) {
        char *ns = next_tok(&s), *key = next_tok(&s);
        ubiq_bytes v;
        int32_t r = ubiq_kv_get_alloc(ns, key, (uint32_t)strlen(key), &v);
        if (r < 0) { char b[32]; snprintf(b, sizeof b, "err:%d", r); out = ubiq_bytes_str(b); }
        else out = v;
    } else if (!strcmp(op, "kvdel")) {
        char *ns = next_tok(&s), *key = next_tok(&s);
        out = fmt_code(ubiq_kv_delete(ns, key, (uint32_t)strlen(key)));
    } else if (!strcmp(op, "kvlist")) {
        char *ns = next_tok(&s), *prefix = next_tok(&s);
        uint8_t buf[4096];
        int32_t r = ubiq_raw_kv_list(ns, (uint32_t)strlen(ns), prefix, (uint32_t)strlen(prefix), buf, sizeof buf);
        if (r < 0) { char b[32]; snprintf(b, sizeof b, "err:%d", r); out = ubiq_bytes_str(b); }
        else {
            char *joined = malloc((size_t)r + 1);
            int j = 0;
            for (int i = 0; i + 4 <= r;) {
                uint32_t kl = buf[i] | buf[i + 1] << 8 | buf[i + 2] << 16 | (uint32_t)buf[i + 3] << 24;
                i += 4;
                if (j) joined[j++] = ',';
                memcpy(joined + j, buf + i, kl);
                j += (int)kl;
                i += (int)kl;
            }
            out = ubiq_bytes_copy(joined, (uint32_t)j);
            free(joined);
        }
    } else if (!strcmp(op, "call")) {
        char *fn = next_tok(&s);
        ubiq_bytes r;
        int32_t n = ubiq_call_alloc(fn, s, (uint32_t)strlen(s), &r);
        out = call_result(n, r);
    } else if (!strcmp(op, "callsmall")) {
        char *fn = next_tok(&s);
        char small[4];
        int32_t n = ubiq_raw_call(fn, (uint32_t)strlen(fn), s, (uint32_t)strlen(s), small, sizeof small);
        ubiq_bytes r = {NULL, 0};
        if (n > (int32_t)sizeof small) {
            r.data = malloc((size_t)n);
            r.len = (uint32_t)n;
            int32_t again = ubiq_result_read(r.data, r.len);
            if (again != n) n = again;
        } else if (n >= 0) {
            r = ubiq_bytes_copy(small, (uint32_t)n);
        }
        out = call_result(n, r);
    } else if (!strcmp(op, "spawn") || !strcmp(op, "spawnleak")) {
        char *fn = next_tok(&s);
        int n = atoi(next_tok(&s));
        int32_t handles[128];
        if (n > 128) n = 128;
        char *acc = malloc(65536);
        int alen = 0;
        acc[0] = 0;
        for (int i = 0; i < n; i++) handles[i] = ubiq_spawn(fn, s, (uint32_t)strlen(s));
        if (!strcmp(op, "spawnleak")) {
            alen += snprintf(acc, 65536, "handles:");
            for (int i = 0; i < n; i++) alen += snprintf(acc + alen, 65536 - alen, i ? ",%d" : "%d", handles[i]);
        } else {
            for (int i = 0; i < n; i++) {
                if (handles[i] < 0) {
                    alen += snprintf(acc + alen, 65536 - alen, "%serr:%d", i ? "|" : "", handles[i]);
                    continue;
                }
                ubiq_bytes r;
                int32_t c = ubiq_await_alloc(handles[i], &r);
                if (c >= 0) alen += snprintf(acc + alen, 65536 - alen, "%sok:%.*s", i ? "|" : "", (int)r.len, (const char *)r.data);
                else alen += snprintf(acc + alen, 65536 - alen, "%serr:%d", i ? "|" : "", c);
                free(r.data);
            }
        }
        out = ubiq_bytes_copy(acc, (uint32_t)alen);
        free(acc);
    } else if (!strcmp(op, "await")) {
        uint8_t b[8];
        out = fmt_code(ubiq_raw_await(atoi(next_tok(&s)), b, sizeof b));
    } else if (!strcmp(op, "send")) {
        char *ch = next_tok(&s);
        int n = atoi(next_tok(&s));
        int t = atoi(next_tok(&s));
        char *m = malloc(n > 0 ? (size_t)n : 1);
        for (int i = 0; i < n; i++) m[i] = (char)('a' + i % 26);
        out = fmt_code(ubiq_channel_send(ch, m, (uint32_t)n, t));
        free(m);
    } else if (!strcmp(op, "recv")) {
        char *ch = next_tok(&s);
        int t = atoi(next_tok(&s));
        ubiq_bytes r;
        int32_t n = ubiq_channel_recv_alloc(ch, t, &r);
        char b[64];
        if (n < 0) snprintf(b, sizeof b, "err:%d", n);
        else snprintf(b, sizeof b, "%d:%.*s", n, (int)(r.len < 16 ? r.len : 16), (const char *)r.data);
        free(r.data);
        out = ubiq_bytes_str(b);
    } else if (!strcmp(op, "oob")) {
        char *h = next_tok(&s);
        void *bad = (void *)(uintptr_t)0xFFFFFFF0u;
        int32_t r = 0;
        if (!strcmp(h, "log")) r = ubiq_raw_log(1, bad, 100);
        else if (!strcmp(h, "kv_get")) r = ubiq_raw_kv_get("a", 1, "k", 1, bad, 100);
        else if (!strcmp(h, "kv_put")) r = ubiq_raw_kv_put("a", 1, bad, 100, "v", 1);
        else if (!strcmp(h, "call")) r = ubiq_raw_call(bad, 100, "", 0, NULL, 0);
        else if (!strcmp(h, "random")) r = ubiq_random(bad, 100);
        else if (!strcmp(h, "channel_send")) r = ubiq_raw_channel_send("c", 1, bad, 100, 0);
        else if (!strcmp(h, "result_read")) r = ubiq_result_read(bad, 100);
        out = fmt_code(r);
    } else if (!strcmp(op, "hugelen")) {
        out = fmt_code(ubiq_raw_kv_put("a", 1, "k", 1, (void *)0, 0x7FFFFFFFu));
    } else if (!strcmp(op, "resultread")) {
        uint8_t b[8];
        out = fmt_code(ubiq_result_read(b, sizeof b));
    } else if (!strcmp(op, "spin")) {
        for (;;) sink++;
    } else if (!strcmp(op, "callspin")) {
        char *fn = next_tok(&s);
        ubiq_bytes r;
        int32_t n = ubiq_call_alloc(fn, "spin", 4, &r);
        out = call_result(n, r);
    } else {
        out = ubiq_bytes_str("unknown command");
    }
    free(cmd);
    return out;
}

UBIQ_HANDLER(probe)
