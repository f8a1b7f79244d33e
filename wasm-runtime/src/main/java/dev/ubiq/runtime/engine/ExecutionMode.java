package dev.ubiq.runtime.engine;

/** How a module's code runs. */
public enum ExecutionMode {
    /** Every function compiled to JVM bytecode. */
    COMPILED,
    /** Compiled, except the functions the compiler could not handle, which are interpreted. */
    COMPILED_WITH_FALLBACK,
    /** Every function interpreted (chosen, not a fallback). */
    INTERPRETER
}
