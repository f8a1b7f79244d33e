package dev.ubiq.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ubiq.abi.FunctionShape;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ReactorPoolTest {

    @Test
    void reusedInstanceKeepsStateBetweenCallsWithoutSnapshot() {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy(Guests.bytes("counter_reactor"), Manifest.builder("counter").withSnapshot(false).build());
            assertEquals("1", rt.invoke("counter", Request.empty()).outputAsString());
            assertEquals("2", rt.invoke("counter", Request.empty()).outputAsString());
            assertEquals("3", rt.invoke("counter", Request.empty()).outputAsString());
            assertEquals(1, rt.stats("counter").liveInstances());
        }
    }

    @Test
    void pooledInstanceIsResetToTheSnapshotBetweenCalls() {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy("counter", Guests.bytes("counter_reactor"));
            for (int i = 0; i < 3; i++) {
                assertEquals("1", rt.invoke("counter", Request.empty()).outputAsString());
            }
            assertEquals(1, rt.stats("counter").liveInstances(), "the instance is reused, only its state is reset");
        }
    }

    @Test
    void freshInstancePerCallWhenReuseIsOff() {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy(Guests.bytes("counter_reactor"), Manifest.builder("counter").withReuseInstances(false).build());
            for (int i = 0; i < 3; i++) {
                assertEquals("1", rt.invoke("counter", Request.empty()).outputAsString());
            }
            assertEquals(0, rt.stats("counter").liveInstances());
        }
    }

    @Test
    void trappedInstanceIsNotReused() {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy(Guests.bytes("spin_reactor"), Manifest.builder("spin").withShape(FunctionShape.REACTOR)
                    .withTimeoutMs(50).withMinWarm(1).build());
            assertEquals(1, rt.stats("spin").liveInstances());
            assertEquals(Outcome.TIMEOUT, rt.invoke("spin", Request.of("x")).outcome());
            // the timed-out instance was dropped, not returned to the pool
            assertEquals(0, rt.stats("spin").liveInstances());
        }
    }

    @Test
    void prewarmsMinWarmAndExpiresIdleInstancesAboveIt() throws Exception {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy(Guests.bytes("echo_reactor"), Manifest.builder("echo").withMinWarm(2).withMaxConcurrency(8)
                    .withIdleTtlMs(100).build());
            assertEquals(2, rt.stats("echo").idleInstances());
            // push the pool above min_warm with concurrent calls
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    fs.add(pool.submit(() -> {
                        for (int k = 0; k < 200; k++) {
                            assertEquals("echo:hi", rt.invoke("echo", Request.of("hi")).outputAsString());
                        }
                    }));
                }
                for (var f : fs) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertTrue(rt.stats("echo").liveInstances() <= 8);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (rt.stats("echo").liveInstances() > 2 && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            assertEquals(2, rt.stats("echo").liveInstances(), "idle instances above min_warm expire");
        }
    }

    @Test
    void concurrentInvocationsNeverExceedMaxConcurrencyInstances() throws Exception {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy(Guests.bytes("echo_reactor"), Manifest.builder("echo").withMaxConcurrency(3).build());
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger busy = new AtomicInteger();
            ExecutorService pool = Executors.newFixedThreadPool(8);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < 8; t++) {
                    int id = t;
                    fs.add(pool.submit(() -> {
                        for (int k = 0; k < 300; k++) {
                            var r = rt.invoke("echo", Request.of(id + ":" + k));
                            if (r.outcome() == Outcome.OK) {
                                assertEquals("echo:" + id + ":" + k, r.outputAsString());
                                ok.incrementAndGet();
                            } else {
                                assertEquals(Outcome.BUSY, r.outcome());
                                busy.incrementAndGet();
                            }
                        }
                    }));
                }
                for (var f : fs) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            assertEquals(2400, ok.get() + busy.get());
            assertTrue(ok.get() > 0);
            assertTrue(rt.stats("echo").liveInstances() <= 3, "live " + rt.stats("echo").liveInstances());
            assertEquals(0, rt.stats("echo").inFlight());
        }
    }

    @Test
    void redeployReplacesVersionAndUndeployRemoves() {
        try (var rt = UbiqRuntime.builder().build()) {
            assertEquals(1, rt.deploy("f", Guests.bytes("counter_reactor")).version());
            rt.invoke("f", Request.empty());
            var v2 = rt.deploy("f", Guests.bytes("counter_reactor"));
            assertEquals(2, v2.version());
            // new version, new instances: state starts over
            assertEquals("1", rt.invoke("f", Request.empty()).outputAsString());
            assertEquals(2, rt.invoke("f", Request.empty()).metering().version());
            rt.undeploy("f");
            assertEquals(Outcome.NOT_FOUND, rt.invoke("f", Request.empty()).outcome());
            assertTrue(rt.functions().isEmpty());
        }
    }
}
