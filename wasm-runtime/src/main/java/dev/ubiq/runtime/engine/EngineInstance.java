package dev.ubiq.runtime.engine;

/**
 * One live instance: its own linear memory, globals and tables. Not thread-safe: one invocation at
 * a time. Closing frees what the instance holds.
 *
 * <pre>{@code
 * EngineFunction add = instance.function("add");       // add.signature(): [I32, I32] -> [I32]
 * long[] r = add.call(2, 3);                            // values in the ValueType encoding
 * long[] g = instance.global("counter");                // an exported global's current value
 * Linker l = Linker.builder().instance("lib", instance).build();   // its exports become imports
 * }</pre>
 */
public interface EngineInstance extends AutoCloseable {

    /** A handle on an exported function, or {@code null} when there is no such export. */
    EngineFunction function(String exportName);

    /** Copies {@code len} bytes out of linear memory; a bad range throws {@link GuestTrapException}. */
    byte[] read(int ptr, int len);

    /** Copies bytes into linear memory; a bad range throws {@link GuestTrapException}. */
    void write(int ptr, byte[] data);

    /** Current linear memory size in bytes (0 without memory). Memory never shrinks, so this is also the high-water mark. */
    long memoryBytes();

    /** Whether a {@code memory.grow} was refused because of the instance's memory limit. */
    boolean memoryLimitHit();

    /**
     * The current value of an exported global in the {@link ValueType} encoding (two longs for
     * {@code V128}, else one), or {@code null} when there is no such global export.
     */
    long[] global(String exportName);

    /**
     * An export as an {@link Extern} another module can import through a {@link Linker}, or {@code
     * null} when there is no export of that name.
     */
    Extern.InstanceExport export(String exportName);

    /**
     * Freezes this instance's memory, globals and tables into an immutable state that {@link
     * CompiledModule#fork} starts new instances from. No memory is copied: the pages become shared
     * and this instance copies a page before its next write to it. Afterwards {@link #reset()}
     * returns this instance to the captured state. Call it only between calls.
     *
     * @throws dev.ubiq.runtime.UbiqException.InstantiationException when the instance holds state a
     *     snapshot cannot carry (an imported memory, several memories, another instance's function in
     *     a table); the message says which
     */
    InstanceState captureState();

    /**
     * Returns a forked (or captured) instance to the state it was forked from by restoring only the
     * memory written since then ({@link InstanceState#CHUNK_SIZE} chunks), globals and tables.
     * Afterwards it behaves like a fresh fork. Returns the number of chunks restored, or -1 when this
     * instance cannot be reset in place (it was not forked, or a table grew): make a new fork instead.
     */
    int reset();

    /** Memory chunks ({@link InstanceState#CHUNK_SIZE} bytes) written since the fork, capture or last reset; all for a fresh instance. */
    int dirtyChunks();

    @Override
    void close();

    /** An exported function. */
    interface EngineFunction {
        /** Its type; arguments and results of {@link #call} follow it in the {@link ValueType} encoding. */
        FunctionSignature signature();

        /**
         * Calls the function on the current thread.
         *
         * @throws GuestTrapException the guest trapped
         * @throws GuestExitException a WASI {@code proc_exit}
         * @throws GuestInterruptedException the thread was interrupted
         */
        long[] call(long... args);
    }
}
