package dev.ubiq.runtime.internal;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.jctools.queues.atomic.MpmcAtomicArrayQueue;

/**
 * Warm reactor instances of one function version: a bounded lock-free queue of idle instances
 * (capacity = the function's max concurrency, so the pool can never hold more than can run), an
 * on-demand path when it is empty, and idle expiry down to {@code minWarm}.
 */
final class ReactorPool {
    private final MpmcAtomicArrayQueue<ReactorIsolate> idle;
    private final Supplier<ReactorIsolate> factory;
    private final int minWarm;
    private final long idleTtlNs;
    private final AtomicInteger live = new AtomicInteger();
    private volatile boolean closed;

    ReactorPool(int capacity, int minWarm, long idleTtlMs, Supplier<ReactorIsolate> factory) {
        this.idle = new MpmcAtomicArrayQueue<>(Math.max(2, capacity));
        this.factory = factory;
        this.minWarm = Math.min(minWarm, capacity);
        this.idleTtlNs = idleTtlMs * 1_000_000;
    }

    /** A ready instance: an idle one, or a new one (which may throw what instantiation throws). */
    ReactorIsolate acquire() {
        ReactorIsolate i = idle.poll();
        if (i != null) {
            return i;
        }
        i = factory.get();
        live.incrementAndGet();
        return i;
    }

    /** Adds an instance created outside {@link #acquire} (the deploy-time trial) to the pool. */
    void adopt(ReactorIsolate i) {
        live.incrementAndGet();
        release(i);
    }

    /** Returns a healthy instance for reuse. */
    void release(ReactorIsolate i) {
        i.lastUsedNs = System.nanoTime();
        if (closed || !idle.offer(i)) {
            discard(i);
        } else if (closed) {
            drain();
        }
    }

    /** Drops an instance that must not be reused (it trapped, timed out or hit a limit). */
    void discard(ReactorIsolate i) {
        live.decrementAndGet();
        i.close();
    }

    /** Creates instances until {@code minWarm} are idle. */
    void prewarm() {
        while (!closed && live.get() < minWarm) {
            adopt(factory.get());
        }
    }

    /** Drops instances idle for longer than the TTL, keeping at least {@code minWarm}. */
    void expire(long nowNs) {
        int n = idle.size();
        for (int k = 0; k < n && live.get() > minWarm; k++) {
            ReactorIsolate i = idle.poll();
            if (i == null) {
                return;
            }
            if (nowNs - i.lastUsedNs > idleTtlNs) {
                discard(i);
            } else if (!idle.offer(i)) {
                discard(i);
            }
        }
    }

    int live() {
        return live.get();
    }

    int idle() {
        return idle.size();
    }

    void close() {
        closed = true;
        drain();
    }

    private void drain() {
        ReactorIsolate i;
        while ((i = idle.poll()) != null) {
            discard(i);
        }
    }
}
