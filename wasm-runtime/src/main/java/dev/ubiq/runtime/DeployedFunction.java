package dev.ubiq.runtime;

import dev.ubiq.runtime.engine.ExecutionMode;
import dev.ubiq.runtime.engine.ModuleInfo;

/**
 * A function as deployed: its resolved configuration, module description and how its code runs.
 *
 * @param version 1 for the first deploy of a name, then +1 per deploy
 * @param config resolved manifest
 * @param module imports, exports, memory, size and digest
 * @param mode compiled, compiled with interpreter fallback, or interpreted
 * @param interpretedFunctions number of wasm functions running in the interpreter
 * @param compileCached whether the compiled code came from the disk cache
 * @param deployedAtEpochMs when this version was deployed
 */
public record DeployedFunction(
        int version,
        FunctionConfig config,
        ModuleInfo module,
        ExecutionMode mode,
        int interpretedFunctions,
        boolean compileCached,
        long deployedAtEpochMs) {
    public String name() {
        return config.name();
    }
}
