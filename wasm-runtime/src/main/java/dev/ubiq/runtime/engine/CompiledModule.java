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

    /**
     * Creates an instance from a captured state instead of the module's initial one: links imports
     * as {@link #instantiate} does, but neither re-applies data segments nor runs the start
     * function; memory pages are shared with {@code state} until written, so the cost does not grow
     * with the memory's size.
     *
     * @throws dev.ubiq.runtime.UbiqException.InstantiationException when {@code state} does not fit
     *     this module (other globals, tables or memory)
     * @throws dev.ubiq.runtime.UbiqException.LimitExceededException when the state's memory is above
     *     {@code spec.maxMemoryBytes()}
     */
    EngineInstance fork(InstanceState state, InstanceSpec spec);
}
