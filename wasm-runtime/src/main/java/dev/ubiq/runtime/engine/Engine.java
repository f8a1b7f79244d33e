package dev.ubiq.runtime.engine;

/**
 * A WebAssembly engine: the seam where Chicory (built in) or another engine (WasmEdge through its
 * Java binding, where a native libwasmedge exists) plugs into the runtime. The core depends only on
 * this package; an engine never sees the registry, pools or limits beyond what a call passes in.
 *
 * <p>Contract: {@link #compile} parses and validates once (throwing {@code MalformedModuleException}
 * or {@code InvalidModuleException}); the {@link CompiledModule} is shared by every instance and
 * thread. {@link EngineInstance#function} handles must honour {@link Thread#interrupt()}: a guest
 * in any loop must stop within a bounded time after its thread is interrupted, throwing {@link
 * GuestInterruptedException}. The runtime's deadline watchdog relies on nothing else.
 *
 * <pre>{@code
 * Engine engine = new ChicoryEngine(CompileOptions.defaults());
 * CompiledModule m = engine.compile(bytes, "hello");
 * try (EngineInstance i = m.instantiate(InstanceSpec.of(64 << 20, wasiConfig))) {
 *     i.function("_start").call();
 * }
 * }</pre>
 */
public interface Engine {
    /** A short name for logs and metrics ({@code chicory-compiled}, {@code chicory-interpreter}). */
    String name();

    /** Decodes and validates a module, without compiling it. */
    ModuleInfo inspect(byte[] wasm);

    /**
     * Decodes, validates and compiles a module.
     *
     * @param functionName used in error messages and logs only
     */
    CompiledModule compile(byte[] wasm, String functionName);

    /** Counters for metrics; engines without any return zeros. */
    default EngineStats stats() {
        return new EngineStats(0, 0, 0);
    }
}
