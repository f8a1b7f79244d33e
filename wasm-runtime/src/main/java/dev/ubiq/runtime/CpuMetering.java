package dev.ubiq.runtime;

/**
 * When an invocation's thread CPU time is measured ({@link MeteringRecord#cpuNs()}). Reading the
 * thread CPU clock is a system call: about 0.8 µs per read on the 2-core KVM machine of
 * {@code docs/benchmarks.md}, two reads per invocation, which is more than a warm reactor call or a
 * fresh isolate costs in total.
 */
public enum CpuMetering {
    /** Every invocation: {@code cpuNs} is always measured (where the JVM can). */
    ALWAYS,
    /**
     * The default: measured while the function's previous invocation took at least
     * {@link #ADAPTIVE_THRESHOLD_NS} of wall time (and always on its first one). Faster invocations
     * record {@code cpuNs = -1}: their guest runs on the invoking thread without blocking, so its
     * wall time bounds its CPU time, and measuring would cost more than the call.
     */
    ADAPTIVE,
    /** Never: {@code cpuNs} is always -1. */
    OFF;

    /** Wall time from which {@link #ADAPTIVE} measures CPU time: 100 µs. */
    public static final long ADAPTIVE_THRESHOLD_NS = 100_000;
}
