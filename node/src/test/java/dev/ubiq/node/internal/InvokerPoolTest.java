package dev.ubiq.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The invoker pool's contract, and a stress test of its lock-free hand-off. */
@Timeout(120)
class InvokerPoolTest {
    private final AtomicReference<Throwable> failure = new AtomicReference<>();

    private InvokerPool pool(int max) {
        return new InvokerPool(max, "test-invoke-", failure::set);
    }

    @Test
    void refusesATaskBeyondTheLimitAtOnceAndAcceptsAgainWhenOneEnds() throws Exception {
        try (InvokerPool p = pool(2)) {
            CountDownLatch release = new CountDownLatch(1);
            CountDownLatch started = new CountDownLatch(2);
            for (int i = 0; i < 2; i++) {
                assertTrue(p.execute(task(() -> {
                    started.countDown();
                    await(release);
                })));
            }
            assertTrue(started.await(10, TimeUnit.SECONDS));
            assertFalse(p.execute(task(() -> {})), "a third task while two run");
            assertEquals(2, p.admitted());
            release.countDown();
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (p.admitted() > 0 && System.nanoTime() < end) {
                Thread.sleep(1);
            }
            CountDownLatch ran = new CountDownLatch(1);
            assertTrue(p.execute(task(ran::countDown)));
            assertTrue(ran.await(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void everyAdmittedTaskRunsAtOnceOnItsOwnThreadEvenBehindSlowOnes() throws Exception {
        // the contract of maxConcurrentInvocations: N admitted tasks run at the same time, so N
        // parties meet at a barrier; rounds mix with bursts of short tasks, so the barrier rounds
        // start from every state of the pool (threads parked, spinning, being started or retiring)
        int n = 16;
        try (InvokerPool p = new InvokerPool(n, "test-invoke-", failure::set, TimeUnit.MILLISECONDS.toNanos(5))) {
            for (int round = 0; round < 200; round++) {
                int parties = 1 + ThreadLocalRandom.current().nextInt(n);
                CyclicBarrier barrier = new CyclicBarrier(parties);
                CountDownLatch done = new CountDownLatch(parties);
                java.util.Set<String> threadsSeen = ConcurrentHashMap.newKeySet();
                for (int i = 0; i < parties; i++) {
                    assertTrue(p.execute(task(() -> {
                        threadsSeen.add(Thread.currentThread().getName());
                        try {
                            barrier.await(10, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            throw new AssertionError("not all " + parties + " tasks ran at once", e);
                        }
                        done.countDown();
                    })), "round " + round);
                }
                assertTrue(done.await(20, TimeUnit.SECONDS), "round " + round + ": " + parties + " tasks did not all meet");
                assertEquals(parties, threadsSeen.size(), "one thread per running task");
                // a task frees its place just after its body ends: the next round needs all n free
                awaitIdle(p);
                if (round % 3 == 0) {
                    burst(p, 200);
                    awaitIdle(p);
                }
                if (round % 50 == 0) {
                    Thread.sleep(20); // let idle workers retire (5 ms here): woken entries must skip them
                }
            }
            assertEquals(null, failure.get());
            assertTrue(p.threads() <= n, "threads " + p.threads());
        }
    }

    @Test
    void manySubmittersRunEveryTaskExactlyOnceAndBoundThreads() throws Exception {
        int max = 8;
        try (InvokerPool p = pool(max)) {
            LongAdder ran = new LongAdder();
            LongAdder refused = new LongAdder();
            AtomicInteger accepted = new AtomicInteger();
            AtomicInteger maxThreads = new AtomicInteger();
            List<Thread> submitters = new ArrayList<>();
            for (int s = 0; s < 4; s++) {
                submitters.add(Thread.ofPlatform().start(() -> {
                    for (int i = 0; i < 50_000; i++) {
                        if (p.execute(task(() -> {
                            ran.increment();
                            maxThreads.accumulateAndGet(p.threads(), Math::max);
                        }))) {
                            accepted.incrementAndGet();
                        } else {
                            refused.increment();
                            Thread.onSpinWait();
                        }
                    }
                }));
            }
            for (Thread t : submitters) {
                t.join();
            }
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (p.admitted() > 0 && System.nanoTime() < end) {
                Thread.sleep(1);
            }
            assertEquals(0, p.admitted());
            assertEquals(accepted.get(), ran.sum(), "each accepted task ran exactly once");
            assertEquals(200_000, accepted.get() + refused.sum());
            assertTrue(maxThreads.get() <= max, "threads " + maxThreads.get());
        }
        assertEquals(null, failure.get());
    }

    @Test
    void aTaskFreesItsPlaceBeforeItsAnswerIsHandedBack() throws Exception {
        // a client that has its answer sends the next request at once: it must not get a 503
        // because the invocation that answered it still counts
        try (InvokerPool p = pool(1)) {
            CountDownLatch answered = new CountDownLatch(1);
            java.util.concurrent.atomic.AtomicBoolean nextAdmitted = new java.util.concurrent.atomic.AtomicBoolean();
            CountDownLatch nextRan = new CountDownLatch(1);
            assertTrue(p.execute(() -> () -> {
                nextAdmitted.set(p.execute(task(nextRan::countDown)));
                answered.countDown();
            }));
            assertTrue(answered.await(10, TimeUnit.SECONDS));
            assertTrue(nextAdmitted.get(), "the place was free when the answer went out");
            assertTrue(nextRan.await(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void aThrowingTaskIsReportedAndFreesItsPlace() throws Exception {
        try (InvokerPool p = pool(1)) {
            assertTrue(p.execute(task(() -> {
                throw new IllegalStateException("boom");
            })));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while ((p.admitted() > 0 || failure.get() == null) && System.nanoTime() < end) {
                Thread.sleep(1);
            }
            assertEquals("boom", failure.get().getMessage());
            CountDownLatch ran = new CountDownLatch(1);
            assertTrue(p.execute(task(ran::countDown)));
            assertTrue(ran.await(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void closeLetsRunningTasksFinishRefusesNewOnesAndEndsTheThreads() throws Exception {
        InvokerPool p = pool(4);
        burst(p, 100);
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger finished = new AtomicInteger();
        for (int i = 0; i < 3; i++) {
            assertTrue(p.execute(task(() -> {
                await(release);
                finished.incrementAndGet();
            })));
        }
        p.close();
        assertFalse(p.execute(task(() -> {})), "closed");
        release.countDown();
        assertTrue(p.awaitTermination(10, TimeUnit.SECONDS), "threads left: " + p.threads());
        assertEquals(3, finished.get());
    }

    /** Runs short tasks, as an HTTP load would, and waits for them. */
    private static void burst(InvokerPool p, int tasks) throws InterruptedException {
        CountDownLatch done = new CountDownLatch(tasks);
        int submitted = 0;
        while (submitted < tasks) {
            if (p.execute(task(done::countDown))) {
                submitted++;
            } else {
                Thread.onSpinWait();
            }
        }
        assertTrue(done.await(10, TimeUnit.SECONDS));
    }

    /** Waits (bounded) until every admitted task has freed its place. */
    private static void awaitIdle(InvokerPool p) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (p.admitted() > 0) {
            assertTrue(System.nanoTime() < end, "tasks still admitted after 10 s: " + p.admitted());
            Thread.sleep(0, 100_000);
        }
    }

    /** A task with nothing to do after its place is free. */
    private static java.util.function.Supplier<Runnable> task(Runnable r) {
        return () -> {
            r.run();
            return null;
        };
    }

    private static void await(CountDownLatch l) {
        try {
            if (!l.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("never released");
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
    }
}
