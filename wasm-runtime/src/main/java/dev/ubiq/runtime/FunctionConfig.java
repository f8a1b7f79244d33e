package dev.ubiq.runtime;

import dev.ubiq.abi.Capability;
import dev.ubiq.abi.FunctionShape;
import java.util.List;
import java.util.Map;

/**
 * A manifest resolved against the node's {@link Limits}: every value concrete and within the caps.
 *
 * @param name function name
 * @param shape how it is called
 * @param maxMemoryBytes linear memory limit per instance
 * @param timeoutMs deadline per invocation
 * @param maxConcurrency concurrent invocations; the next one gets {@link Outcome#BUSY}
 * @param minWarm reactor instances kept ready (0 for WASI commands)
 * @param idleTtlMs idle reactor instances above {@code minWarm} are dropped after this
 * @param reuseInstances whether reactor instances serve more than one invocation
 * @param args WASI argv after the program name
 * @param env environment variables
 * @param dirs preopened directories, guest path to host path
 * @param capabilities what the function may use
 * @param route HTTP path a node serves it under, or {@code null}
 * @param config string settings the function reads with {@code ubiq:v1.config_get}
 * @param initExport export run once before snapshotting (manifest {@code init}), or {@code null} for
 *     the conventions only ({@code _initialize}, {@code ubiq_init}, {@code wizer.initialize})
 * @param snapshot whether new instances fork from a pre-initialised snapshot (manifest {@code
 *     snapshot}, default true)
 */
public record FunctionConfig(
        String name,
        FunctionShape shape,
        long maxMemoryBytes,
        long timeoutMs,
        int maxConcurrency,
        int minWarm,
        long idleTtlMs,
        boolean reuseInstances,
        List<String> args,
        Map<String, String> env,
        Map<String, String> dirs,
        List<Capability> capabilities,
        String route,
        Map<String, String> config,
        String initExport,
        boolean snapshot) {

    /** Default {@code min_warm} for reactors. */
    public static final int DEFAULT_MIN_WARM = 1;
    /** Default {@code idle_ttl_ms}. */
    public static final long DEFAULT_IDLE_TTL_MS = 60_000;
}
