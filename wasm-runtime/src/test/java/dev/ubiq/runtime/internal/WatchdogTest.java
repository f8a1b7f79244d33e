package dev.ubiq.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Concurrency stress of the lock-free arm/fire/disarm protocol. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WatchdogTest {

    @Test
    void firesAfterDeadlineAndClearsTheFlag() {
        try (var w = new Watchdog(() -> {})) {
            var slot = w.arm(System.nanoTime(), 20_000_000);
            long t0 = System.nanoTime();
            while (!Thread.currentThread().isInterrupted() && System.nanoTime() - t0 < 5_000_000_000L) {
                Thread.onSpinWait();
            }
            assertTrue(Thread.currentThread().isInterrupted(), "watchdog must interrupt");
            assertTrue(slot.disarm());
            assertFalse(Thread.currentThread().isInterrupted(), "disarm clears the flag");
        }
    }

    @Test
    void disarmBeforeDeadlineNeverLeavesAStaleInterrupt() throws Exception {
        AtomicInteger housekeeping = new AtomicInteger();
        try (var w = new Watchdog(housekeeping::incrementAndGet)) {
            ExecutorService pool = Executors.newFixedThreadPool(6);
            AtomicLong fired = new AtomicLong();
            AtomicLong stale = new AtomicLong();
            List<Future<?>> fs = new ArrayList<>();
            for (int t = 0; t < 6; t++) {
                fs.add(pool.submit(() -> {
                    var rnd = java.util.concurrent.ThreadLocalRandom.current();
                    long end = System.nanoTime() + 2_000_000_000L;
                    while (System.nanoTime() < end) {
                        // deadlines around the watchdog's tick, so firing races with disarming
                        var slot = w.arm(System.nanoTime(), rnd.nextLong(0, 2_000_000));
                        long spin = rnd.nextLong(0, 2_000_000);
                        long s0 = System.nanoTime();
                        while (System.nanoTime() - s0 < spin) {
                            Thread.onSpinWait();
                        }
                        if (slot.disarm()) {
                            fired.incrementAndGet();
                        }
                        if (Thread.currentThread().isInterrupted()) {
                            stale.incrementAndGet();
                            Thread.interrupted();
                        }
                    }
                }));
            }
            for (var f : fs) {
                f.get();
            }
            pool.shutdownNow();
            assertEquals(0, stale.get(), "a disarmed slot must never leave the thread interrupted");
            assertTrue(fired.get() > 0, "some deadlines must have fired");
        }
    }
}
