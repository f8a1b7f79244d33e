package dev.ubiq.runtime.hostcalls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ubiq.runtime.Guests;
import dev.ubiq.runtime.InvocationResult;
import dev.ubiq.runtime.Manifest;
import dev.ubiq.runtime.Outcome;
import dev.ubiq.runtime.Request;
import dev.ubiq.runtime.UbiqRuntime;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random raw arguments to every ubiq:v1 hostcall (guest {@code abi_fuzz}, seeded, so a failure
 * reproduces): each invocation must end OK (an error code is a normal result) or as a TRAP whose
 * message names a ubiq:v1 hostcall or a guest-side fault, never as a host error (nor as the trap
 * a host-side exception is turned into); the runtime stays
 * healthy and its stores consistent.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HostcallFuzzTest {
    private static final int ITERATIONS = 3000;
    /** Pointers and lengths worth trying: in range, at the edges, past the end, negative. */
    private static final int[] INTERESTING = {0, 1, 2, 4, 100, 110, 120, 130, 512, 1024, 4096, 65535, 65536,
        131071, 131072, 131073, -1, Integer.MAX_VALUE, Integer.MIN_VALUE, 0x7FFF_FFF0, 0xFFFF_FFF0};

    @Test
    void randomArgumentsNeverBreakTheHost() {
        SplittableRandom rnd = new SplittableRandom(20261128);
        Map<Outcome, Integer> outcomes = new EnumMap<>(Outcome.class);
        HostAbiConfig abi = HostAbiConfig.builder().withKvMaxBytes(1 << 20).withMaxCallDepth(3).build();
        try (UbiqRuntime rt = UbiqRuntime.builder().withHostAbi(abi).build()) {
            rt.deploy(Guests.bytes("abi_fuzz"), Manifest.builder("p").withTimeoutMs(1000).withMaxConcurrency(8)
                    .withCapability("kv:*").withCapability("call:*").withCapability("channel:*")
                    .withConfig("fuzz", "yes").build());
            for (int i = 0; i < ITERATIONS; i++) {
                ByteBuffer req = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
                int which = rnd.nextInt(15);
                req.putInt(which);
                for (int a = 0; a < 6; a++) {
                    int v = switch (rnd.nextInt(4)) {
                        case 0 -> INTERESTING[rnd.nextInt(INTERESTING.length)];
                        case 1 -> rnd.nextInt(8);
                        case 2 -> rnd.nextInt(140_000);
                        default -> rnd.nextInt();
                    };
                    // channel waits: keep the timeout small so the run stays short
                    if ((which == 12 || which == 13) && a == 4) {
                        v = rnd.nextInt(3) - 1;
                    }
                    req.putInt(v);
                }
                InvocationResult r = rt.invoke("p", Request.of(req.array()));
                outcomes.merge(r.outcome(), 1, Integer::sum);
                String what = "iteration " + i + " hostcall " + which + ": " + r.outcome() + " " + r.message();
                assertTrue(r.outcome() == Outcome.OK || r.outcome() == Outcome.TRAP || r.outcome() == Outcome.TIMEOUT
                        || r.outcome() == Outcome.BUSY, what);
                if (r.outcome() == Outcome.TRAP) {
                    assertTrue(r.message().contains("ubiq:v1.") || r.message().contains("out of bounds"), what);
                    // a host bug is turned into a trap too, but it is a bug: the fuzz run must not find one
                    assertTrue(!r.message().contains("internal host error"), what);
                }
            }
            // healthy afterwards: a plain clock call works, nothing is left running
            ByteBuffer clock = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN).putInt(1);
            assertEquals(Outcome.OK, rt.invoke("p", Request.of(clock.array())).outcome());
            assertTrue(rt.hostAbi().kv().usedBytes() <= 1 << 20);
        }
        // the run must have exercised both sides
        assertTrue(outcomes.getOrDefault(Outcome.OK, 0) > ITERATIONS / 10, outcomes.toString());
        assertTrue(outcomes.getOrDefault(Outcome.TRAP, 0) > ITERATIONS / 10, outcomes.toString());
    }
}
