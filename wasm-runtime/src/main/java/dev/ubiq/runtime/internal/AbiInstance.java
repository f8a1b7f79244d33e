package dev.ubiq.runtime.internal;

import dev.ubiq.runtime.InvocationResult;
import java.io.OutputStream;
import java.util.concurrent.Future;

/**
 * The {@code ubiq:v1} state of one instance (the "prepare" phase: a few fields, no I/O), reached by
 * hostcalls as the caller's host data. An instance runs one invocation at a time, so the
 * per-invocation fields need no synchronisation: {@link #begin} and {@link #end} bracket each.
 */
final class AbiInstance {
    final AbiGrants grants;
    /** Where {@code log} writes: the stream the runtime captures as the invocation's log. */
    final OutputStream log;
    private final long defaultTimeoutNs;

    private long deadlineNs;
    private boolean active;
    /** Call depth of the running invocation; 0 for one that came from outside. */
    int depth;
    /** The result kept for {@code result_read}; owned here. */
    byte[] pending;
    /** Set when a hostcall found the deadline passed and interrupted the thread itself. */
    boolean deadlineHit;
    /** Outstanding spawns, by handle - 1. */
    Future<InvocationResult>[] spawns;
    int outstanding;

    AbiInstance(AbiGrants grants, OutputStream log, long defaultTimeoutNs) {
        this.grants = grants;
        this.log = log;
        this.defaultTimeoutNs = defaultTimeoutNs;
    }

    void begin(long deadlineNs, int depth) {
        this.deadlineNs = deadlineNs;
        this.depth = depth;
        this.active = true;
        this.deadlineHit = false;
    }

    /** Releases what the invocation held: outstanding spawns are cancelled, the pending result dropped. */
    void end() {
        active = false;
        pending = null;
        if (outstanding > 0) {
            for (int i = 0; i < spawns.length; i++) {
                if (spawns[i] != null) {
                    spawns[i].cancel(true);
                    spawns[i] = null;
                }
            }
            outstanding = 0;
        }
    }

    /** The running invocation's deadline; outside one (instance init) the function's own timeout from now. */
    long deadlineNs() {
        return active ? deadlineNs : System.nanoTime() + defaultTimeoutNs;
    }
}
