package dev.ubiq.runtime;

import java.util.Map;

/**
 * A snapshot of one function's counters since it was deployed (all versions of the name).
 *
 * @param name function name
 * @param invocations invocations admitted or refused
 * @param outcomes count per outcome
 * @param latencyP50Ns median wall time of admitted invocations
 * @param latencyP90Ns 90th percentile
 * @param latencyP99Ns 99th percentile
 * @param latencyMaxNs maximum
 * @param inFlight invocations running now
 * @param liveInstances instances that exist now (running or idle)
 * @param idleInstances pooled instances ready for the next call
 * @param memoryHighWaterBytes largest linear memory any instance reached
 * @param bytesIn request bytes received
 * @param bytesOut response bytes sent
 * @param cpuNs CPU time measured (platform threads only)
 */
public record FunctionStats(
        String name,
        long invocations,
        Map<Outcome, Long> outcomes,
        long latencyP50Ns,
        long latencyP90Ns,
        long latencyP99Ns,
        long latencyMaxNs,
        int inFlight,
        int liveInstances,
        int idleInstances,
        long memoryHighWaterBytes,
        long bytesIn,
        long bytesOut,
        long cpuNs) {}
