package dev.ubiq.runtime.engine;

/**
 * A linear memory the host provides; the engine allocates it on first import and every importer
 * through the same {@link Linker} shares it. It costs {@code minPages * 64 KiB} of heap from then on.
 *
 * <pre>{@code
 * var shared = new HostMemory(1, 2);
 * }</pre>
 *
 * @param minPages initial size in 64 KiB pages
 * @param maxPages maximum in pages, or -1 for none (then the wasm32 ceiling of 65536)
 */
public record HostMemory(int minPages, int maxPages) implements Extern {
    public HostMemory {
        if (minPages < 0 || minPages > 65536 || maxPages < -1 || maxPages > 65536
                || (maxPages >= 0 && maxPages < minPages)) {
            throw new IllegalArgumentException("bad memory limits: min " + minPages + " max " + maxPages);
        }
    }

    @Override
    public String kind() {
        return "memory";
    }
}
