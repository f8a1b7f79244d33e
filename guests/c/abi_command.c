/*
 * abi_command.c -- a WASI command (stdin -> stdout) using ubiq:v1 through the C SDK: logs the
 * request, counts runs in kv namespace "runs" and prints "run N: <stdin>". Exit 0; on a kv
 * failure prints "kv failed: NAME" and exits 3.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ubiq.h"

int main(void) {
    char in[256];
    size_t n = fread(in, 1, sizeof in - 1, stdin);
    in[n] = 0;
    ubiq_log(UBIQ_INFO, in);
    ubiq_bytes v;
    long runs = 0;
    int32_t r = ubiq_kv_get_alloc("runs", "n", 1, &v);
    if (r >= 0) {
        char tmp[24] = {0};
        memcpy(tmp, v.data, v.len < 23 ? v.len : 23);
        runs = atol(tmp);
        free(v.data);
    } else if (r != UBIQ_E_NOT_FOUND) {
        printf("kv failed: %s", ubiq_strerror(r));
        return 3;
    }
    runs++;
    char num[24];
    int len = snprintf(num, sizeof num, "%ld", runs);
    r = ubiq_kv_put("runs", "n", 1, num, (uint32_t)len);
    if (r < 0) {
        printf("kv failed: %s", ubiq_strerror(r));
        return 3;
    }
    printf("run %ld: %s", runs, in);
    return 0;
}
