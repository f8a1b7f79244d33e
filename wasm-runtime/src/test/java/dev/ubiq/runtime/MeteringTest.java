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
}
