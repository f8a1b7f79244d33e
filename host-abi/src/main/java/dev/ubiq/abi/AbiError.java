package dev.ubiq.abi;

/**
 * The error codes of host ABI v1. A hostcall returns a negative {@code i32} (or {@code i64}) from
 * this table for an expected failure; it never traps for one. The numeric values are stable: a
 * guest compiled against v1 keeps working with every v1 host. Guest bugs (a pointer or length
 * outside linear memory) trap instead, with a message naming the hostcall.
 *
 * <pre>{@code
 * int r = (int) results[0];
 * if (r < 0) {
 *     AbiError e = AbiError.of(r);     // e.g. DENIED for -2
 * }
 * }</pre>
 */
public enum AbiError {
    /** The function, key, handle or channel does not exist. */
    NOT_FOUND(-1),
    /** The manifest does not grant the capability (deny by default); the denial is logged. */
    DENIED(-2),
    /** A bounded resource is full: the KV byte cap, a channel's queue, the outstanding spawn handles. */
    FULL(-3),
    /** The caller's deadline passed (or the wait's own timeout ran out) before the operation finished. */
    TIMEOUT(-4),
    /** Non-blocking receive on an empty channel. */
    WOULD_BLOCK(-5),
    /** The callee runs its maximum concurrent invocations (a call never waits for a slot). */
    BUSY(-6),
    /** An argument is larger than its limit (payload, key, value, message). */
    TOO_LARGE(-7),
    /** An argument is malformed (a name that is not a valid function/namespace/channel name, a bad level). */
    INVALID(-8),
    /** The callee ran but did not succeed (trap, non-zero exit, memory limit); its message is the pending result. */
    CALLEE_FAILED(-9),
    /** The call chain is deeper than the runtime allows (A calls B calls A ...). */
    DEPTH_EXCEEDED(-10),
    /** {@code result_read} with no pending result. */
    NO_RESULT(-11),
    /** The host could not complete the operation (the persistent KV backend failed to write). */
    UNAVAILABLE(-12);

    private static final AbiError[] BY_CODE;

    static {
        BY_CODE = new AbiError[values().length + 1];
        for (AbiError e : values()) {
            BY_CODE[-e.code] = e;
        }
    }

    private final int code;

    AbiError(int code) {
        this.code = code;
    }

    /** The stable negative number a hostcall returns. */
    public int code() {
        return code;
    }

    /** The error for a code, or {@code null} when the code is not a v1 error (e.g. a length). */
    public static AbiError of(long code) {
        if (code >= 0 || code < -values().length) {
            return null;
        }
        return BY_CODE[(int) -code];
    }
}
