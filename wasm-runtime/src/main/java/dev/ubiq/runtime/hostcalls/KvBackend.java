package dev.ubiq.runtime.hostcalls;

import java.io.IOException;

/**
 * Where the host ABI's key-value store keeps its data beyond memory. The in-memory store is the
 * source of truth for reads; a backend receives every write (write-through) before the write is
 * acknowledged to the guest, and gives everything back once at start. Calls for one namespace are
 * serialised by the store; calls for different namespaces may be concurrent.
 *
 * <pre>{@code
 * UbiqRuntime rt = UbiqRuntime.builder()
 *         .withHostAbi(HostAbiConfig.builder().withKvBackend(new FileKvBackend(dataDir.resolve("kv"))).build())
 *         .build();
 * }</pre>
 */
public interface KvBackend extends AutoCloseable {

    /** Receives the stored entries at start. */
    @FunctionalInterface
    interface Sink {
        void accept(String namespace, byte[] key, byte[] value);
    }

    /**
     * Hands every stored entry to {@code sink}, once, before any other call. An entry that cannot
     * be read (corrupt) is skipped and reported through {@code warnings}, never fatal.
     */
    void load(Sink sink, java.util.function.Consumer<String> warnings) throws IOException;

    /** Stores {@code value} under {@code key}, replacing any earlier value; durable when it returns. */
    void put(String namespace, byte[] key, byte[] value) throws IOException;

    /** Removes {@code key}; no error when absent. */
    void delete(String namespace, byte[] key) throws IOException;

    @Override
    void close();
}
