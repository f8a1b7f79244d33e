package dev.ubiq.runtime.engine;

import java.util.Set;

/**
 * A validated, compiled module; immutable and shared by every instance on every thread.
 */
public interface CompiledModule {
    ModuleInfo info();

    /** How the code runs; {@link ExecutionMode#COMPILED_WITH_FALLBACK} when some functions could not be compiled. */
    ExecutionMode mode();

    /** Indices of functions running in the interpreter although the module was compiled. */
    Set<Integer> interpretedFunctions();

    /** Whether the compiled code came from the on-disk cache rather than the compiler. */
    boolean loadedFromCache();

    /**
     * Creates an instance: links imports (WASI when {@code spec.wasi()} is set), applies the memory
     * limit and runs the start function.
     *
     * @throws dev.ubiq.runtime.UbiqException.UnlinkableModuleException for imports the host lacks
     * @throws dev.ubiq.runtime.UbiqException.InstantiationException when the start function traps
     */
    EngineInstance instantiate(InstanceSpec spec);
}
