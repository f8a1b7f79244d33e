package dev.ubiq.runtime;

/** How an invocation ended. Every value but {@link #OK} carries a message in the result. */
public enum Outcome {
    /** The guest returned (reactor) or exited 0 (WASI command). */
    OK,
    /** A WASI command exited with a non-zero code; see {@link InvocationResult#exitCode()}. */
    GUEST_ERROR,
    /** The guest trapped (unreachable, out-of-bounds access, stack exhaustion...). */
    TRAP,
    /** The invocation passed its deadline and was stopped. */
    TIMEOUT,
    /** The guest needed more linear memory than its limit allows. */
    MEMORY_LIMIT,
    /** The function already runs its maximum number of concurrent invocations. */
    BUSY,
    /** The request is larger than the runtime's payload limit. */
    PAYLOAD_TOO_LARGE,
    /** No function of that name is deployed. */
    NOT_FOUND,
    /** The host failed (a bug or an I/O error); the message says what. */
    HOST_ERROR
}
