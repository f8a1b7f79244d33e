package dev.ubiq.runtime.internal;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.jctools.queues.atomic.MpmcAtomicArrayQueue;

/**
 * The node's named channels between co-located functions, created on first use. A channel is a
 * bounded JCTools MPMC array queue of message buffers:
 *
 * <pre>
 *  sender's memory ──copy in──► byte[] msg ──offer──► [ ring of capacity slots ] ──poll──► msg ──copy out──► receiver's memory
 * </pre>
 *
 * The buffer read out of the sender's memory is the one the receiver's memory is written from:
 * one copy in, one copy out, no framing. Capacity is rounded up to a power of two. (Chicory's paged memory offers no read into an existing
 * array, so a pool of fixed buffers would cost a second copy; the young-generation allocation of
 * the message buffer is cheaper than that copy for messages above a few hundred bytes.)
 */
public final class Channels {
    private final ConcurrentHashMap<String, MpmcAtomicArrayQueue<byte[]>> channels = new ConcurrentHashMap<>();
    private final AtomicInteger count = new AtomicInteger();
    private final int capacity;
    private final int maxChannels;
    private final long maxQueuedBytes;
    private final java.util.concurrent.atomic.AtomicLong queuedBytes = new java.util.concurrent.atomic.AtomicLong();

    public Channels(int capacity, int maxChannels, long maxQueuedBytes) {
        this.capacity = capacity;
        this.maxChannels = maxChannels;
        this.maxQueuedBytes = maxQueuedBytes;
    }

    /**
     * Offers a message, charging its bytes to the node-wide cap so full channels cannot exhaust
     * the heap. Returns false when the channel or the cap is full.
     */
    public boolean offer(MpmcAtomicArrayQueue<byte[]> q, byte[] msg) {
        if (queuedBytes.addAndGet(msg.length) > maxQueuedBytes) {
            queuedBytes.addAndGet(-msg.length);
            return false;
        }
        if (!q.offer(msg)) {
            queuedBytes.addAndGet(-msg.length);
            return false;
        }
        return true;
    }

    /** Takes the oldest message, or null. */
    public byte[] poll(MpmcAtomicArrayQueue<byte[]> q) {
        byte[] m = q.poll();
        if (m != null) {
            queuedBytes.addAndGet(-m.length);
        }
        return m;
    }

    /** Bytes waiting in all channels. */
    public long queuedBytes() {
        return queuedBytes.get();
    }

    /** The channel of that name, created if needed; {@code null} when the node's channel limit is reached. */
    public MpmcAtomicArrayQueue<byte[]> get(String name) {
        MpmcAtomicArrayQueue<byte[]> q = channels.get(name);
        if (q != null) {
            return q;
        }
        return channels.computeIfAbsent(name, k -> {
            if (count.incrementAndGet() > maxChannels) {
                count.decrementAndGet();
                return null;
            }
            return new MpmcAtomicArrayQueue<>(Math.max(2, capacity));
        });
    }

    /** Messages waiting in a channel (0 when it does not exist). */
    public int depth(String name) {
        MpmcAtomicArrayQueue<byte[]> q = channels.get(name);
        return q == null ? 0 : q.size();
    }
}
