package dev.ubiq.runtime.engine;

/**
 * What one instance gets.
 *
 * <pre>{@code
 * new InstanceSpec(64 << 20, wasiConfig);                       // WASI only
 * new InstanceSpec(64 << 20, null, Linker.builder().define("env", "log", log).build());
 * }</pre>
 *
 * @param maxMemoryBytes linear memory limit for the memories the instance defines; {@code
 *     memory.grow} beyond it fails with -1 (an imported memory keeps the limit its definer gave it)
 * @param wasi WASI preview1 context, or {@code null} for a module that must not import WASI
 * @param linker resolves the module's other imports; {@link Linker#empty()} when none (the default).
 *     WASI imports are served by {@code wasi} when it is set, whatever the linker defines.
 * @param hostData what the linker's host functions see as {@link HostFunction.Caller#hostData()}
 *     when this instance calls them (per-instance state, like Wasmtime's store data); may be null
 */
public record InstanceSpec(long maxMemoryBytes, WasiConfig wasi, Linker linker, Object hostData) {
    public InstanceSpec {
        if (maxMemoryBytes <= 0) {
            throw new IllegalArgumentException("maxMemoryBytes must be positive: " + maxMemoryBytes);
        }
        if (linker == null) {
            linker = Linker.empty();
        }
    }

    /** An instance without host data. */
    public InstanceSpec(long maxMemoryBytes, WasiConfig wasi, Linker linker) {
        this(maxMemoryBytes, wasi, linker, null);
    }

    /** An instance with no imports other than WASI. */
    public InstanceSpec(long maxMemoryBytes, WasiConfig wasi) {
        this(maxMemoryBytes, wasi, Linker.empty(), null);
    }
}
