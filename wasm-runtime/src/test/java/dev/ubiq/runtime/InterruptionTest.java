package dev.ubiq.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ubiq.abi.FunctionShape;
import dev.ubiq.runtime.engine.ExecutionMode;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A guest in an endless loop is stopped at its deadline in every engine mode and with every kind of
 * back edge, and the host thread comes back clean (no interrupt flag left behind).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class InterruptionTest {

    static Stream<Arguments> loops() {
        Stream.Builder<Arguments> b = Stream.builder();
        for (boolean interpreter : new boolean[] {false, true}) {
            // hand-written loops, one per kind of back edge, called through the reactor handler
            b.add(Arguments.of(interpreter, "loop_br", FunctionShape.REACTOR));
            b.add(Arguments.of(interpreter, "loop_brif", FunctionShape.REACTOR));
            b.add(Arguments.of(interpreter, "loop_brtable", FunctionShape.REACTOR));
            // clang -O2 `while (!stop) counter++;` as a WASI command and as a reactor
            b.add(Arguments.of(interpreter, "spin", FunctionShape.WASI_COMMAND));
            b.add(Arguments.of(interpreter, "spin_reactor", FunctionShape.REACTOR));
        }
        return b.build();
    }

    @ParameterizedTest(name = "{1} interpreter={0}")
    @MethodSource("loops")
    void endlessLoopStopsAtDeadline(boolean interpreter, String guest, FunctionShape shape) {
        try (var rt = UbiqRuntime.builder().withInterpreterOnly(interpreter).build()) {
            var f = rt.deploy(Guests.bytes(guest), Manifest.builder(guest).withShape(shape).withTimeoutMs(150).build());
            assertEquals(interpreter ? ExecutionMode.INTERPRETER : ExecutionMode.COMPILED, f.mode());
            for (int i = 0; i < 2; i++) {
                long t0 = System.nanoTime();
                var r = rt.invoke(guest, Request.of("x"));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                assertEquals(Outcome.TIMEOUT, r.outcome(), r.message());
                assertTrue(r.message().contains("deadline of 150 ms"), r.message());
                assertTrue(ms < 5_000, "took " + ms + " ms to stop");
                assertFalse(Thread.currentThread().isInterrupted(), "interrupt flag must be cleared");
            }
            assertEquals(2L, rt.stats(guest).outcomes().get(Outcome.TIMEOUT));
        }
    }

    @Test
    void interpreterFallbackFunctionIsStoppable() {
        // huge_function's run() is too large for one JVM method: the compiler hands it to the
        // interpreter, and its loop back edge is a br_if.
        try (var rt = UbiqRuntime.builder().build()) {
            var f = rt.deploy(Guests.bytes("huge_function"),
                    Manifest.builder("huge").withShape(FunctionShape.REACTOR).withTimeoutMs(200).build());
            assertEquals(ExecutionMode.COMPILED_WITH_FALLBACK, f.mode());
            assertTrue(f.interpretedFunctions() >= 1);
            assertEquals(1, rt.engine().stats().interpreterFallbacks(), "the fallback is counted");
            var r = rt.invoke("huge", Request.of("x"));
            assertEquals(Outcome.TIMEOUT, r.outcome(), r.message());
            assertFalse(Thread.currentThread().isInterrupted());
        }
    }

    @Test
    void threadIsReusableAfterTimeout() {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy(Guests.bytes("spin"), Manifest.builder("spin").withTimeoutMs(50).build());
            rt.deploy("hello", Guests.bytes("hello"));
            for (int i = 0; i < 5; i++) {
                assertEquals(Outcome.TIMEOUT, rt.invoke("spin", Request.empty()).outcome());
                var ok = rt.invoke("hello", Request.of("again"));
                assertEquals(Outcome.OK, ok.outcome(), ok.message());
                assertTrue(ok.outputAsString().contains("echo: again"));
            }
        }
    }
}
