package dev.ubiq.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class SmokeTest {
    @Test
    void helloRuns() {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy("hello", Guests.bytes("hello"));
            var r = rt.invoke("hello", Request.of("abc"));
            System.out.println(r);
            assertEquals(Outcome.OK, r.outcome(), r.message());
            System.out.println(r.outputAsString());
            rt.deploy("t", Guests.bytes("trivial_reactor"));
            var r2 = rt.invoke("t", Request.of("xyz"));
            assertEquals("xyz", r2.outputAsString(), r2.message());
            var m = Manifest.builder("spin").withTimeoutMs(200).build();
            rt.deploy(Guests.bytes("spin"), m);
            var r3 = rt.invoke("spin", Request.empty());
            System.out.println(r3.message());
            assertEquals(Outcome.TIMEOUT, r3.outcome());
        }
    }
}
