package dev.ubiq.runtime.internal;

import dev.ubiq.abi.AbiError;
import dev.ubiq.runtime.hostcalls.HostAbiConfig;
import dev.ubiq.runtime.hostcalls.KvBackend;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The node's key-value store behind {@code kv_*}: named namespaces of byte keys in byte order, in
 * memory under one byte cap, written through to an optional {@link KvBackend}. Reads are lock-free;
 * writes to one namespace are serialised so memory and backend agree on the order.
 */
public final class KvStore implements AutoCloseable {
    /** Bytes charged per entry on top of key and value: map node, wrapper, array headers. */
    static final int ENTRY_OVERHEAD = 64;

    private final HostAbiConfig config;
    private final KvBackend backend;
    private final ConcurrentHashMap<String, Namespace> namespaces = new ConcurrentHashMap<>();
    private final AtomicLong used = new AtomicLong();

    private static final class Namespace {
        final ConcurrentSkipListMap<Key, byte[]> map = new ConcurrentSkipListMap<>();
    }

    /** A key compared as unsigned bytes; the array is owned by the key. */
    record Key(byte[] bytes) implements Comparable<Key> {
        @Override
        public int compareTo(Key o) {
            return Arrays.compareUnsigned(bytes, o.bytes);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Arrays.equals(bytes, k.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    public KvStore(HostAbiConfig config, Consumer<String> log) {
        this.config = config;
        this.backend = config.kvBackend();
        if (backend != null) {
            try {
                backend.load((ns, k, v) -> {
                    ns(ns).map.put(new Key(k), v);
                    used.addAndGet(cost(k.length, v.length));
                }, log);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException("kv: cannot load the persistent store: " + e.getMessage(), e);
            }
        }
    }

    private Namespace ns(String name) {
        return namespaces.computeIfAbsent(name, k -> new Namespace());
    }

    private static long cost(int keyLen, int valueLen) {
        return (long) keyLen + valueLen + ENTRY_OVERHEAD;
    }

    /** Bytes in use, overhead included. */
    public long usedBytes() {
        return used.get();
    }

    /** The value, or {@code null}. The array is the store's: read it, never write it. */
    public byte[] get(String namespace, byte[] key) {
        Namespace n = namespaces.get(namespace);
        return n == null ? null : n.map.get(new Key(key));
    }

    /**
     * Stores a value; the store takes ownership of both arrays.
     *
     * @return 0, or {@link AbiError#FULL}, {@link AbiError#TOO_LARGE}, {@link AbiError#UNAVAILABLE} codes
     */
    public int put(String namespace, byte[] key, byte[] value) {
        if (key.length > config.kvMaxKeyBytes() || value.length > config.kvMaxValueBytes()) {
            return AbiError.TOO_LARGE.code();
        }
        Namespace n = ns(namespace);
        Key k = new Key(key);
        long add = cost(key.length, value.length);
        if (backend == null) {
            // reserve first, so concurrent puts never overshoot the cap
            if (used.addAndGet(add) > config.kvMaxBytes()) {
                used.addAndGet(-add);
                return AbiError.FULL.code();
            }
            byte[] old = n.map.put(k, value);
            if (old != null) {
                used.addAndGet(-cost(key.length, old.length));
            }
            return 0;
        }
        synchronized (n) {
            byte[] prev = n.map.get(k);
            long delta = add - (prev == null ? 0 : cost(key.length, prev.length));
            if (used.addAndGet(delta) > config.kvMaxBytes() && delta > 0) {
                used.addAndGet(-delta);
                return AbiError.FULL.code();
            }
            try {
                backend.put(namespace, key, value);
            } catch (IOException | RuntimeException e) {
                used.addAndGet(-delta);
                return AbiError.UNAVAILABLE.code();
            }
            n.map.put(k, value);
            return 0;
        }
    }

    /** @return 0, or {@link AbiError#NOT_FOUND}, {@link AbiError#UNAVAILABLE} codes */
    public int delete(String namespace, byte[] key) {
        Namespace n = namespaces.get(namespace);
        if (n == null) {
            return AbiError.NOT_FOUND.code();
        }
        Key k = new Key(key);
        if (backend == null) {
            byte[] old = n.map.remove(k);
            if (old == null) {
                return AbiError.NOT_FOUND.code();
            }
            used.addAndGet(-cost(key.length, old.length));
            return 0;
        }
        synchronized (n) {
            byte[] old = n.map.get(k);
            if (old == null) {
                return AbiError.NOT_FOUND.code();
            }
            try {
                backend.delete(namespace, key);
            } catch (IOException | RuntimeException e) {
                return AbiError.UNAVAILABLE.code();
            }
            n.map.remove(k);
            used.addAndGet(-cost(key.length, old.length));
            return 0;
        }
    }

    /**
     * The keys starting with {@code prefix}, in unsigned byte order, each as a little-endian u32
     * length and the key bytes; stops before {@code maxBytes} would be exceeded.
     */
    public byte[] list(String namespace, byte[] prefix, int maxBytes) {
        Namespace n = namespaces.get(namespace);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (n == null) {
            return out.toByteArray();
        }
        Map<Key, byte[]> tail = n.map.tailMap(new Key(prefix), true);
        for (Key k : tail.keySet()) {
            byte[] b = k.bytes();
            if (b.length < prefix.length || Arrays.compare(b, 0, prefix.length, prefix, 0, prefix.length) != 0) {
                break;
            }
            if (out.size() + 4 + b.length > maxBytes) {
                break;
            }
            out.write(b.length);
            out.write(b.length >>> 8);
            out.write(b.length >>> 16);
            out.write(b.length >>> 24);
            out.write(b, 0, b.length);
        }
        return out.toByteArray();
    }

    @Override
    public void close() {
        if (backend != null) {
            backend.close();
        }
    }
}
