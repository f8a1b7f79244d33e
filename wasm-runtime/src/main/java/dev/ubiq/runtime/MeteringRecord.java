package dev.ubiq.runtime;

/**
 * What one invocation used. This shape is the contract billing will read: fields are only ever
 * added, never renamed or removed. Documented in {@code docs/metering.md}.
 *
 * @param function function name
 * @param version deployed version that ran
 * @param invocationId runtime-wide sequence number, unique since the runtime started
 * @param startEpochMs wall-clock start, milliseconds since the epoch
 * @param wallNs elapsed time from admission to result, nanoseconds
 * @param cpuNs CPU time of the running thread during the invocation, or -1 where the JVM cannot
 *     measure it (virtual threads)
 * @param memoryHighWaterBytes largest linear memory of the instance during the invocation
 * @param bytesIn request body size
 * @param bytesOut response body size
 * @param outcome how it ended
 */
public record MeteringRecord(
        String function,
        int version,
        long invocationId,
        long startEpochMs,
        long wallNs,
        long cpuNs,
        long memoryHighWaterBytes,
        long bytesIn,
        long bytesOut,
        Outcome outcome) {}
