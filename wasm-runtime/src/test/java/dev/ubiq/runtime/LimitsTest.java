package dev.ubiq.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ubiq.abi.FunctionShape;
import dev.ubiq.runtime.UbiqException.LimitExceededException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LimitsTest {

    @Test
    void mallocBeyondMemoryLimitFailsAndIsReportedAsMemoryLimit() {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy(Guests.bytes("memhog"), Manifest.builder("hog").withMaxMemoryBytes(16L << 20)
                    .withArgs(List.of("64")).build());
            var r = rt.invoke("hog", Request.empty());
            assertEquals(Outcome.MEMORY_LIMIT, r.outcome(), r.message());
            assertEquals(12, r.exitCode());
            assertTrue(r.logAsString().contains("malloc failed after"), r.logAsString());
            assertTrue(r.message().contains("memory limit of 16777216 bytes"), r.message());
            assertTrue(r.metering().memoryHighWaterBytes() <= 16L << 20);
            // within the limit the same program succeeds
            rt.deploy(Guests.bytes("memhog"), Manifest.builder("small").withMaxMemoryBytes(16L << 20)
                    .withArgs(List.of("4")).build());
            var small = rt.invoke("small", Request.empty());
            assertEquals(Outcome.OK, small.outcome(), small.message());
            assertEquals("allocated 4 MiB\n", small.outputAsString());
        }
    }

    @Test
    void memoryGrowStopsExactlyAtLimit() {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy(Guests.bytes("grow_loop"), Manifest.builder("grow").withMaxMemoryBytes(16L << 20).build());
            var r = rt.invoke("grow", Request.empty());
            // the guest handles the refused grow itself, so the call succeeds and reports the ceiling
            assertEquals(Outcome.OK, r.outcome(), r.message());
            assertEquals("256", r.outputAsString());
            assertEquals(16L << 20, r.metering().memoryHighWaterBytes());
        }
    }

    @Test
    void defaultMemoryLimitAppliesWithoutManifest() {
        try (var rt = UbiqRuntime.builder()
                .withLimits(Limits.builder().withDefaultMaxMemoryBytes(8L << 20).build()).build()) {
            rt.deploy("grow", Guests.bytes("grow_loop"));
            assertEquals("128", rt.invoke("grow", Request.empty()).outputAsString());
        }
    }

    @Test
    void rejectsManifestAboveNodeCaps() {
        try (var rt = UbiqRuntime.builder().withLimits(Limits.builder().withMaxMemoryCapBytes(64L << 20)
                .withMaxTimeoutMs(1000).withMaxConcurrencyCap(4).build()).build()) {
            var e = assertThrows(LimitExceededException.class, () -> rt.deploy(Guests.bytes("hello"),
                    Manifest.builder("h").withMaxMemoryBytes(128L << 20).build()));
            assertTrue(e.getMessage().contains("max_memory_mb asks for 128 MiB, above the node's cap of 64 MiB"), e.getMessage());
            assertThrows(LimitExceededException.class, () -> rt.deploy(Guests.bytes("hello"),
                    Manifest.builder("h").withTimeoutMs(5000).build()));
            assertThrows(LimitExceededException.class, () -> rt.deploy(Guests.bytes("hello"),
                    Manifest.builder("h").withMaxConcurrency(5).build()));
            assertTrue(rt.functions().isEmpty());
        }
    }

    @Test
    void moduleWhoseInitialMemoryExceedsLimitIsRejected() {
        try (var rt = UbiqRuntime.builder().build()) {
            // hello.wasm starts with 2 pages (128 KiB); a 64 KiB limit cannot hold it
            var e = assertThrows(LimitExceededException.class, () -> rt.deploy(Guests.bytes("hello"),
                    Manifest.builder("tiny").withMaxMemoryBytes(64 << 10).build()));
            assertTrue(e.getMessage().contains("above the limit of 1 pages"), e.getMessage());
        }
    }

    @Test
    void hugeTableGrowIsRefusedAndDoesNotLeakIntoLaterInstances() {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy(Guests.bytes("table_grow"), Manifest.builder("tg").withReuseInstances(false).build());
            for (int i = 0; i < 3; i++) {
                var r = rt.invoke("tg", Request.empty());
                assertEquals(Outcome.OK, r.outcome(), r.message());
                // 10^8 elements refused; 10 more granted at the same starting size every time,
                // so a grow in one instance never changes the next instance's table
                assertEquals("-1 1", r.outputAsString());
            }
        }
    }

    @Test
    void oversizedPayloadIsRefusedBeforeRunning() {
        try (var rt = UbiqRuntime.builder().withLimits(Limits.builder().withMaxPayloadBytes(1024).build()).build()) {
            rt.deploy("echo", Guests.bytes("trivial_reactor"));
            var r = rt.invoke("echo", Request.of(new byte[1025]));
            assertEquals(Outcome.PAYLOAD_TOO_LARGE, r.outcome());
            assertTrue(r.message().contains("1025 bytes exceeds the payload limit of 1024"), r.message());
            assertEquals(1024, rt.invoke("echo", Request.of(new byte[1024])).output().length);
        }
    }

    @Test
    void oversizedResponseIsRefused() {
        try (var rt = UbiqRuntime.builder().withLimits(Limits.builder().withMaxResponseBytes(100).build()).build()) {
            rt.deploy("echo", Guests.bytes("trivial_reactor"));
            rt.deploy("hello", Guests.bytes("hello"));
            var r = rt.invoke("echo", Request.of(new byte[101]));
            assertEquals(Outcome.PAYLOAD_TOO_LARGE, r.outcome());
            assertTrue(r.message().contains("response exceeds the limit of 100 bytes"));
            var w = rt.invoke("hello", Request.of(new byte[200]));
            assertEquals(Outcome.PAYLOAD_TOO_LARGE, w.outcome());
            assertEquals(Outcome.OK, rt.invoke("echo", Request.of("fine")).outcome());
        }
    }

    @Test
    void excessConcurrentInvocationsAreBusyImmediately() throws Exception {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy(Guests.bytes("spin_reactor"), Manifest.builder("slow").withShape(FunctionShape.REACTOR)
                    .withMaxConcurrency(2).withTimeoutMs(1500).build());
            ExecutorService pool = Executors.newFixedThreadPool(2);
            try {
                CountDownLatch started = new CountDownLatch(2);
                List<Future<InvocationResult>> running = new ArrayList<>();
                for (int i = 0; i < 2; i++) {
                    running.add(pool.submit(() -> {
                        started.countDown();
                        return rt.invoke("slow", Request.of("x"));
                    }));
                }
                started.await();
                // wait until both are admitted
                long until = System.nanoTime() + 1_000_000_000L;
                while (rt.stats("slow").inFlight() < 2 && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                long t0 = System.nanoTime();
                var busy = rt.invoke("slow", Request.of("x"));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(Outcome.BUSY, busy.outcome(), busy.message());
                assertTrue(busy.message().contains("2 of 2"), busy.message());
                assertTrue(ms < 100, "busy must be immediate, took " + ms + " ms");
                for (var f : running) {
                    assertEquals(Outcome.TIMEOUT, f.get().outcome());
                }
                assertEquals(0, rt.stats("slow").inFlight());
            } finally {
                pool.shutdownNow();
            }
        }
    }
}
