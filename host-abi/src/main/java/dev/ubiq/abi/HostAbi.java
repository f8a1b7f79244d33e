package dev.ubiq.abi;

import java.util.List;

/**
 * Host ABI v1: the functions a guest imports from module {@link #MODULE} ({@code "ubiq:v1"}). The
 * full table with semantics is {@code host-abi/docs/abi-v1.md}; the guest SDKs under {@code
 * host-abi/guest/} declare the same imports.
 *
 * <p>Conventions: every pointer and length is an {@code i32} into the caller's exported memory;
 * strings are UTF-8 {@code (ptr, len)}; a negative result is an {@link AbiError} code. A hostcall
 * that returns bytes takes an output buffer {@code (out_ptr, out_cap)} and returns the full length
 * {@code n}: when {@code n <= out_cap} the bytes are in the buffer; otherwise nothing was written
 * and the bytes stay pending, so {@link Hostcall#RESULT_READ} fetches them into a larger buffer
 * without repeating the operation (a call is not idempotent).
 *
 * <pre>
 *  guest                                       host
 *  n = call("resize", req, buf, 4096)    ──►   runs "resize", keeps its response
 *  if n &gt; 4096: big = malloc(n)
 *      result_read(big, n)               ──►   copies the pending response, forgets it
 * </pre>
 *
 * <pre>{@code
 * for (HostAbi.Hostcall h : HostAbi.Hostcall.values()) {
 *     System.out.println(HostAbi.MODULE + "." + h.importName() + " " + h.params() + " -> " + h.results());
 * }
 * }</pre>
 */
public final class HostAbi {
    /** The import module of this ABI version. */
    public static final String MODULE = "ubiq:v1";
    /** The ABI version number. */
    public static final int VERSION = 1;

    /** Log levels for {@link Hostcall#LOG}. */
    public static final int LOG_DEBUG = 0;
    public static final int LOG_INFO = 1;
    public static final int LOG_WARN = 2;
    public static final int LOG_ERROR = 3;
    /** Level names as they appear in the function's log, indexed by level. */
    public static final List<String> LOG_LEVEL_NAMES = List.of("DEBUG", "INFO", "WARN", "ERROR");

    private HostAbi() {}

    /** Every v1 hostcall: import name and signature in Wasm value types. */
    public enum Hostcall {
        /** {@code log(level, msg_ptr, msg_len) -> 0 | INVALID}. */
        LOG("log", "i32 i32 i32", "i32"),
        /** {@code clock_monotonic_ns() -> ns}: monotonic, arbitrary origin, per node. */
        CLOCK_MONOTONIC_NS("clock_monotonic_ns", "", "i64"),
        /** {@code clock_wall_ns() -> ns since the Unix epoch}. */
        CLOCK_WALL_NS("clock_wall_ns", "", "i64"),
        /** {@code random(ptr, len) -> 0 | TOO_LARGE}: fills the buffer with random bytes. */
        RANDOM("random", "i32 i32", "i32"),
        /** {@code config_get(key_ptr, key_len, out_ptr, out_cap) -> len | NOT_FOUND}. */
        CONFIG_GET("config_get", "i32 i32 i32 i32", "i32"),
        /** {@code kv_get(ns_ptr, ns_len, key_ptr, key_len, out_ptr, out_cap) -> len | NOT_FOUND | DENIED}. */
        KV_GET("kv_get", "i32 i32 i32 i32 i32 i32", "i32"),
        /** {@code kv_put(ns_ptr, ns_len, key_ptr, key_len, val_ptr, val_len) -> 0 | FULL | DENIED | TOO_LARGE | UNAVAILABLE}. */
        KV_PUT("kv_put", "i32 i32 i32 i32 i32 i32", "i32"),
        /** {@code kv_delete(ns_ptr, ns_len, key_ptr, key_len) -> 0 | NOT_FOUND | DENIED | UNAVAILABLE}. */
        KV_DELETE("kv_delete", "i32 i32 i32 i32", "i32"),
        /**
         * {@code kv_list(ns_ptr, ns_len, prefix_ptr, prefix_len, out_ptr, out_cap) -> len}: the keys
         * with the prefix in byte order, each as a little-endian {@code u32} length and the key.
         */
        KV_LIST("kv_list", "i32 i32 i32 i32 i32 i32", "i32"),
        /** {@code call(fn_ptr, fn_len, payload_ptr, payload_len, out_ptr, out_cap) -> len | error}. */
        CALL("call", "i32 i32 i32 i32 i32 i32", "i32"),
        /** {@code spawn(fn_ptr, fn_len, payload_ptr, payload_len) -> handle (> 0) | error}. */
        SPAWN("spawn", "i32 i32 i32 i32", "i32"),
        /** {@code await(handle, out_ptr, out_cap) -> len | error}: waits for a spawned call and releases its handle. */
        AWAIT("await", "i32 i32 i32", "i32"),
        /** {@code channel_send(name_ptr, name_len, msg_ptr, msg_len, timeout_ms) -> 0 | FULL | TIMEOUT | DENIED | TOO_LARGE}. */
        CHANNEL_SEND("channel_send", "i32 i32 i32 i32 i32", "i32"),
        /** {@code channel_recv(name_ptr, name_len, out_ptr, out_cap, timeout_ms) -> len | WOULD_BLOCK | TIMEOUT | DENIED}. */
        CHANNEL_RECV("channel_recv", "i32 i32 i32 i32 i32", "i32"),
        /** {@code result_read(out_ptr, out_cap) -> len | NO_RESULT}: the pending result of the last hostcall that had one. */
        RESULT_READ("result_read", "i32 i32", "i32");

        private final String importName;
        private final String params;
        private final String results;

        Hostcall(String importName, String params, String results) {
            this.importName = importName;
            this.params = params;
            this.results = results;
        }

        /** The import name within {@link #MODULE}. */
        public String importName() {
            return importName;
        }

        /** Parameter types, space separated ({@code "i32 i32"}; empty for none). */
        public String params() {
            return params;
        }

        /** Result types, space separated. */
        public String results() {
            return results;
        }
    }
}
