package dev.ubiq.runtime.engine;

/**
 * What one instance gets.
 *
 * @param maxMemoryBytes linear memory limit; {@code memory.grow} beyond it fails with -1
 * @param wasi WASI preview1 context, or {@code null} for a module that must not import WASI
 */
public record InstanceSpec(long maxMemoryBytes, WasiConfig wasi) {
    public InstanceSpec {
        if (maxMemoryBytes <= 0) {
            throw new IllegalArgumentException("maxMemoryBytes must be positive: " + maxMemoryBytes);
        }
    }
}
