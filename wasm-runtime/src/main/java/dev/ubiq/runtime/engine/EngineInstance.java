package dev.ubiq.runtime.engine;

/**
 * One live instance: its own linear memory, globals and tables. Not thread-safe: one invocation at
 * a time. Closing frees what the instance holds.
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

    @Override
    void close();

    /** An exported function. */
    interface EngineFunction {
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
