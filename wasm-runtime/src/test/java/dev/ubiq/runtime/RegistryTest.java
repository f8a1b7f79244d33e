package dev.ubiq.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ubiq.runtime.UbiqException.InvalidManifestException;
import org.junit.jupiter.api.Test;

class RegistryTest {

    @Test
    void preparedDeployIsNotLiveUntilCommitted() {
        try (var rt = UbiqRuntime.builder().build()) {
            var reg = rt.registry();
            var p = reg.prepare(Guests.bytes("counter_reactor"), Manifest.builder("c").build(), 0);
            assertEquals(1, p.info().version());
            assertNull(reg.describe("c"));
            assertEquals(Outcome.NOT_FOUND, rt.invoke("c", Request.empty()).outcome());
            reg.commit(p);
            assertEquals("1", rt.invoke("c", Request.empty()).outputAsString());
            assertThrows(IllegalStateException.class, () -> reg.commit(p));
        }
    }

    @Test
    void abortedDeployLeavesTheLiveVersionAlone() {
        try (var rt = UbiqRuntime.builder().build()) {
            var reg = rt.registry();
            rt.deploy("c", Guests.bytes("counter_reactor"));
            var p = reg.prepare(Guests.bytes("trivial_reactor"), Manifest.builder("c").build(), 0);
            reg.abort(p);
            assertEquals(1, reg.describe("c").version());
            assertEquals("1", rt.invoke("c", Request.empty()).outputAsString());
            // the next deploy gets a fresh number: the aborted one is never reused
            assertEquals(3, rt.deploy("c", Guests.bytes("counter_reactor")).version());
        }
    }

    @Test
    void restoresARecordedVersionAndContinuesAboveIt() {
        try (var rt = UbiqRuntime.builder().build()) {
            var reg = rt.registry();
            reg.commit(reg.prepare(Guests.bytes("counter_reactor"), Manifest.builder("c").build(), 7));
            assertEquals(7, reg.describe("c").version());
            assertEquals(7, rt.invoke("c", Request.empty()).metering().version());
            assertEquals(8, rt.deploy("c", Guests.bytes("counter_reactor")).version());
        }
    }

    @Test
    void olderCommitNeverReplacesANewerOne() {
        try (var rt = UbiqRuntime.builder().build()) {
            var reg = rt.registry();
            var older = reg.prepare(Guests.bytes("counter_reactor"), Manifest.builder("c").build(), 0);
            var newer = reg.prepare(Guests.bytes("trivial_reactor"), Manifest.builder("c").build(), 0);
            reg.commit(newer);
            reg.commit(older);
            assertEquals(2, reg.describe("c").version());
            assertEquals("x", rt.invoke("c", Request.of("x")).outputAsString());
        }
    }

    @Test
    void manifestRoundTripsThroughJsonAndValidatesRoutes() {
        var m = Manifest.builder("f").withRoute("/hello/").withTimeoutMs(5).withMaxMemoryBytes(16L << 20)
                .withEnv("A", "1").withDir("/data", "/tmp").withCapability("kv:x").build();
        assertEquals("/hello", m.route());
        var back = Manifest.parseJson(m.toJson());
        assertEquals(m.toJson(), back.toJson());
        assertEquals("/hello", back.route());
        assertEquals(16L << 20, back.maxMemoryBytes());
        for (String bad : new String[] {"hello", "/v1/x", "/metrics", "/", "/a b", "//x"}) {
            var e = assertThrows(InvalidManifestException.class, () -> Manifest.builder("f").withRoute(bad));
            assertTrue(e.getMessage().contains("route"), e.getMessage());
        }
    }
}
