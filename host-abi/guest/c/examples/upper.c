/*
 * upper.c -- example callee: responds with the request in upper case (ASCII).
 * Deploy it as "upper"; the greeter examples call it.
 */
#include "ubiq.h"

static ubiq_bytes upper(const uint8_t *req, uint32_t len) {
    ubiq_bytes out = ubiq_bytes_copy(req, len);
    for (uint32_t i = 0; i < out.len; i++) {
        if (out.data[i] >= 'a' && out.data[i] <= 'z') out.data[i] = (uint8_t)(out.data[i] - 'a' + 'A');
    }
    return out;
}

UBIQ_HANDLER(upper)
