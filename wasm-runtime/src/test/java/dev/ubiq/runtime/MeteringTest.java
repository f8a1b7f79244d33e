package dev.ubiq.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class MeteringTest {

    @Test
    void everyInvocationProducesARecordAndStatsAggregateThem() {
        List<MeteringRecord> records = new CopyOnWriteArrayList<>();
        try (var rt = UbiqRuntime.builder().withMeteringSink(records::add).build()) {
            rt.deploy("hello", Guests.bytes("hello"));
            rt.deploy("trap", Guests.bytes("trap"));
            for (int i = 0; i < 20; i++) {
                rt.invoke("hello", Request.of("12345"));
            }
            rt.invoke("trap", Request.empty());
            assertEquals(21, records.size());
            MeteringRecord r = records.get(0);
            assertEquals("hello", r.function());
            assertEquals(1, r.version());
            assertEquals(5, r.bytesIn());
            assertEquals("hello from wasm\necho: 12345".length(), r.bytesOut());
            assertTrue(r.wallNs() > 0);
            assertTrue(r.memoryHighWaterBytes() >= 65536, "high-water " + r.memoryHighWaterBytes());
            assertTrue(r.cpuNs() > 0, "platform threads measure CPU time");
            assertEquals(Outcome.OK, r.outcome());
            assertTrue(records.get(1).invocationId() > r.invocationId());
            assertEquals(Outcome.TRAP, records.get(20).outcome());

            FunctionStats s = rt.stats("hello");
            assertEquals(20, s.invocations());
            assertEquals(20L, s.outcomes().get(Outcome.OK));
            assertEquals(100, s.bytesIn());
            assertTrue(s.latencyP50Ns() > 0 && s.latencyP50Ns() <= s.latencyP99Ns() && s.latencyP99Ns() <= s.latencyMaxNs());
            assertEquals(1L, rt.stats("trap").outcomes().get(Outcome.TRAP));
        }
    }

    @Test
    void refusedInvocationsAreMeteredToo() {
        List<MeteringRecord> records = new CopyOnWriteArrayList<>();
        try (var rt = UbiqRuntime.builder().withMeteringSink(records::add)
                .withLimits(Limits.builder().withMaxPayloadBytes(4).build()).build()) {
            rt.deploy("echo", Guests.bytes("trivial_reactor"));
            rt.invoke("echo", Request.of("too big"));
            assertEquals(Outcome.PAYLOAD_TOO_LARGE, records.get(0).outcome());
            assertEquals(7, records.get(0).bytesIn());
            assertEquals(1L, rt.stats("echo").outcomes().get(Outcome.PAYLOAD_TOO_LARGE));
        }
    }

    @Test
    void adaptiveCpuMeteringSkipsOnlyFastInvocations() {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy("echo", Guests.bytes("trivial_reactor"));
            rt.deploy("fib", Guests.bytes("fib"));
            List<Long> echo = new java.util.ArrayList<>();
            for (int i = 0; i < 50; i++) {
                echo.add(rt.invoke("echo", Request.of("x")).metering().cpuNs());
            }
            assertTrue(echo.get(0) >= 0, "the first invocation is always measured");
            assertTrue(echo.contains(-1L), "fast warm calls are not CPU-metered: " + echo);
            for (int i = 0; i < 5; i++) {
                // fib(27) takes milliseconds: always measured
                var r = rt.invoke("fib", Request.of("27"));
                assertEquals("196418", r.outputAsString());
                assertTrue(r.metering().cpuNs() > CpuMetering.ADAPTIVE_THRESHOLD_NS / 10, "cpu " + r.metering().cpuNs());
            }
        }
    }

    @Test
    void cpuMeteringAlwaysAndOff() {
        for (CpuMetering mode : new CpuMetering[] {CpuMetering.ALWAYS, CpuMetering.OFF}) {
            try (var rt = UbiqRuntime.builder().withCpuMetering(mode).build()) {
                rt.deploy("echo", Guests.bytes("trivial_reactor"));
                for (int i = 0; i < 20; i++) {
                    long cpu = rt.invoke("echo", Request.of("x")).metering().cpuNs();
                    if (mode == CpuMetering.ALWAYS) {
                        assertTrue(cpu >= 0, "ALWAYS measures every call");
                    } else {
                        assertEquals(-1, cpu);
                    }
                }
            }
        }
    }
}
