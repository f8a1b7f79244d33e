package dev.ubiq.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ubiq.runtime.hostcalls.HostAbiConfig;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jctools.queues.atomic.MpmcAtomicArrayQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The lock-free stores behind ubiq:v1 under concurrent use: nothing lost, duplicated or miscounted. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AbiStoresStressTest {

    @Test
    void channelDeliversEveryMessageExactlyOnceAndTheByteCountReturnsToZero() throws Exception {
        Channels channels = new Channels(16, 4, 1 << 20);
        MpmcAtomicArrayQueue<byte[]> q = channels.get("c");
        int producers = 3;
        int consumers = 3;
        int perProducer = 20_000;
        int total = producers * perProducer;
        BitSet seen = new BitSet(total);
        AtomicInteger received = new AtomicInteger();
        AtomicInteger duplicates = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int p = 0; p < producers; p++) {
            int base = p * perProducer;
            threads.add(Thread.ofPlatform().start(() -> {
                await(start);
                for (int i = 0; i < perProducer; i++) {
                    byte[] msg = ByteBuffer.allocate(4 + (i % 100)).putInt(base + i).array();
                    while (!channels.offer(q, msg)) {
                        Thread.onSpinWait();
                    }
                }
            }));
        }
        for (int c = 0; c < consumers; c++) {
            threads.add(Thread.ofPlatform().start(() -> {
                await(start);
                while (received.get() < total) {
                    byte[] m = channels.poll(q);
                    if (m == null) {
                        Thread.onSpinWait();
                        continue;
                    }
                    int id = ByteBuffer.wrap(m).getInt();
                    synchronized (seen) {
                        if (seen.get(id)) {
                            duplicates.incrementAndGet();
                        }
                        seen.set(id);
                    }
                    received.incrementAndGet();
                }
            }));
        }
        start.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(0, duplicates.get());
        assertEquals(total, seen.cardinality());
        assertEquals(0, channels.queuedBytes());
    }

    @Test
    void kvUsedBytesMatchTheEntriesAfterConcurrentPutsAndDeletes() throws Exception {
        KvStore kv = new KvStore(HostAbiConfig.builder().withKvMaxBytes(1 << 20).build(), line -> { });
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        AtomicInteger full = new AtomicInteger();
        for (int t = 0; t < threads; t++) {
            int seed = t;
            ts.add(Thread.ofPlatform().start(() -> {
                await(start);
                for (int i = 0; i < 20_000; i++) {
                    byte[] key = {(byte) ((i * 7 + seed) % 50)};
                    if ((i + seed) % 3 == 0) {
                        kv.delete("ns", key);
                    } else if (kv.put("ns", key, new byte[(i % 40) * 100]) != 0) {
                        full.incrementAndGet();
                    }
                }
            }));
        }
        start.countDown();
        for (Thread t : ts) {
            t.join();
        }
        long expected = 0;
        for (int k = 0; k < 50; k++) {
            byte[] v = kv.get("ns", new byte[] {(byte) k});
            if (v != null) {
                expected += 1 + v.length + KvStore.ENTRY_OVERHEAD;
            }
        }
        assertEquals(expected, kv.usedBytes());
        assertTrue(kv.usedBytes() <= 1 << 20);
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
