package dev.ubiq.runtime.hostcalls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ubiq.abi.AbiError;
import dev.ubiq.runtime.Guests;
import dev.ubiq.runtime.InvocationResult;
import dev.ubiq.runtime.Manifest;
import dev.ubiq.runtime.Outcome;
import dev.ubiq.runtime.Request;
import dev.ubiq.runtime.UbiqRuntime;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** ubiq:v1 end to end: the C SDK's abi_probe reactor drives each hostcall through the runtime. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostAbiTest {
    private UbiqRuntime rt;

    private UbiqRuntime runtime(HostAbiConfig abi) {
        rt = UbiqRuntime.builder().withHostAbi(abi).build();
        return rt;
    }

    private UbiqRuntime runtime() {
        return runtime(HostAbiConfig.defaults());
    }

    @AfterEach
    void close() {
        if (rt != null) {
            rt.close();
        }
    }

    private void probe(String name, String... caps) {
        probe(Manifest.builder(name), caps);
    }

    private void probe(Manifest.Builder m, String... caps) {
        for (String c : caps) {
            m.withCapability(c);
        }
        rt.deploy(Guests.bytes("abi_probe"), m.build());
    }

    private InvocationResult run(String fn, String cmd) {
        return rt.invoke(fn, Request.of(cmd));
    }

    private String ok(String fn, String cmd) {
        InvocationResult r = run(fn, cmd);
        assertEquals(Outcome.OK, r.outcome(), () -> cmd + ": " + r.message());
        return r.outputAsString();
    }

    private static String code(AbiError e) {
        return Integer.toString(e.code());
    }

    @Test
    void logWritesLevelledLinesToTheInvocationLog() {
        runtime();
        probe("p");
        InvocationResult r = run("p", "log 2 disk almost full");
        assertEquals("0", r.outputAsString());
        assertEquals("[WARN] disk almost full\n", r.logAsString());
        assertEquals(code(AbiError.INVALID), ok("p", "log 9 nope"));
    }

    @Test
    void clocksAdvanceAndWallClockIsNow() {
        runtime();
        probe("p");
        String[] a = ok("p", "clock").split(" ");
        String[] b = ok("p", "clock").split(" ");
        assertTrue(Long.parseLong(b[0]) >= Long.parseLong(a[0]));
        long wallMs = Long.parseLong(a[1]) / 1_000_000;
        assertTrue(Math.abs(wallMs - System.currentTimeMillis()) < 10_000, "wall clock " + wallMs);
    }

    @Test
    void randomFillsTheBufferWithDifferentBytesEachTime() {
        runtime();
        probe("p");
        String x = ok("p", "random 32");
        String y = ok("p", "random 32");
        assertEquals(64, x.length());
        assertNotEquals(x, y);
        assertEquals(code(AbiError.TOO_LARGE), ok("p", "random 2000000"));
    }

    @Test
    void configReadsTheManifestTable() {
        runtime();
        probe(Manifest.builder("p").withConfig("greeting", "Moin"));
        assertEquals("Moin", ok("p", "config greeting"));
        assertEquals("err:" + AbiError.NOT_FOUND.code(), ok("p", "config missing"));
    }

    @Test
    void kvRoundTripWithinAGrantedNamespace() {
        runtime();
        probe("p", "kv:users");
        assertEquals("0", ok("p", "kvput users alice 42"));
        assertEquals("0", ok("p", "kvput users alfred 7"));
        assertEquals("0", ok("p", "kvput users bob 1"));
        assertEquals("42", ok("p", "kvget users alice"));
        assertEquals("alfred,alice", ok("p", "kvlist users al"));
        assertEquals("0", ok("p", "kvput users alice 43"));
        assertEquals("43", ok("p", "kvget users alice"));
        assertEquals("0", ok("p", "kvdel users alice"));
        assertEquals("err:" + AbiError.NOT_FOUND.code(), ok("p", "kvget users alice"));
        assertEquals(code(AbiError.NOT_FOUND), ok("p", "kvdel users alice"));
        assertEquals("err:" + AbiError.INVALID.code(), ok("p", "kvget bad/ns x"));
    }

    @Test
    void namespacesAreSharedOnlyBetweenFunctionsGrantedTheSameName() {
        runtime();
        probe("writer", "kv:shared", "kv:own");
        probe("reader", "kv:shared");
        ok("writer", "kvput shared k v1");
        ok("writer", "kvput own k secret");
        assertEquals("v1", ok("reader", "kvget shared k"));
        assertEquals("err:" + AbiError.DENIED.code(), ok("reader", "kvget own k"));
    }

    @Test
    void kvDeniedWithoutCapabilityAndTheDenialIsLogged() {
        runtime();
        probe("p", "kv:other", "call:x", "channel:y");
        for (String cmd : new String[] {"kvput users k v", "kvget users k", "kvdel users k", "kvlist users k"}) {
            InvocationResult r = run("p", cmd);
            assertTrue(r.outputAsString().endsWith(code(AbiError.DENIED)), cmd + " -> " + r.outputAsString());
            assertTrue(r.logAsString().contains("denied: namespace 'users' needs capability 'kv:users'"), r.logAsString());
        }
    }

    @Test
    void callDeniedWithoutCapabilityAndTheDenialIsLogged() {
        runtime();
        probe("callee");
        probe("p", "kv:*", "call:someone-else");
        InvocationResult r = run("p", "call callee echo hi");
        assertEquals("err:" + AbiError.DENIED.code() + ":", r.outputAsString());
        assertTrue(r.logAsString().contains("ubiq:v1.call denied: calling function 'callee' needs capability 'call:callee'"),
                r.logAsString());
        InvocationResult s = run("p", "spawn callee 1 echo hi");
        assertEquals("err:" + AbiError.DENIED.code(), s.outputAsString());
        assertTrue(s.logAsString().contains("ubiq:v1.spawn denied"), s.logAsString());
    }

    @Test
    void channelDeniedWithoutCapabilityAndTheDenialIsLogged() {
        runtime();
        probe("p", "channel:mine");
        InvocationResult r = run("p", "send frames 10 0");
        assertEquals(code(AbiError.DENIED), r.outputAsString());
        assertTrue(r.logAsString().contains("ubiq:v1.channel_send denied: channel 'frames' needs capability 'channel:frames'"),
                r.logAsString());
        InvocationResult q = run("p", "recv frames 0");
        assertEquals("err:" + AbiError.DENIED.code(), q.outputAsString());
        assertTrue(q.logAsString().contains("channel_recv denied"), q.logAsString());
    }

    @Test
    void kvFullAndTooLargeAreErrorCodesAndNothingIsLost() {
        runtime(HostAbiConfig.builder().withKvMaxBytes(10_000).withKvMaxValueBytes(8_000).build());
        probe("p", "kv:s");
        assertEquals("0", ok("p", "kvputn s a 4000"));
        assertEquals(code(AbiError.FULL), ok("p", "kvputn s b 7000"));
        assertEquals(code(AbiError.TOO_LARGE), ok("p", "kvputn s c 9000"));
        assertEquals(4000, ok("p", "kvget s a").length());
        assertEquals("err:" + AbiError.NOT_FOUND.code(), ok("p", "kvget s b"));
        // replacing a value charges only the difference; deleting frees the space
        assertEquals("0", ok("p", "kvputn s a 5000"));
        assertEquals("0", ok("p", "kvdel s a"));
        assertEquals("0", ok("p", "kvputn s b 7000"));
        assertTrue(rt.hostAbi().kv().usedBytes() < 10_000);
    }

    @Test
    void callRunsTheCalleeDirectlyAndReturnsItsResponse() {
        runtime();
        probe("callee");
        probe("p", "call:callee");
        assertEquals("ok:hello there", ok("p", "call callee echo hello there"));
        // a response larger than the first buffer waits for result_read
        assertEquals("ok:a longer response", ok("p", "callsmall callee echo a longer response"));
        assertEquals("err:" + AbiError.NO_RESULT.code(), "err:" + ok("p", "resultread"));
        assertEquals(2, rt.stats("callee").invocations());
    }

    @Test
    void callOfAnUnknownFunctionIsNotFound() {
        runtime();
        probe("p", "call:*");
        assertEquals("err:" + AbiError.NOT_FOUND.code() + ":", ok("p", "call ghost echo x"));
        assertEquals("err:" + AbiError.INVALID.code() + ":", ok("p", "call bad/name echo x"));
    }

    @Test
    void recursionStopsAtTheCallDepthLimit() {
        runtime(HostAbiConfig.builder().withMaxCallDepth(3).build());
        probe(Manifest.builder("p").withMaxConcurrency(10), "call:p");
        String chain = "call p ".repeat(5) + "echo bottom";
        assertEquals("ok:ok:ok:err:" + AbiError.DEPTH_EXCEEDED.code() + ":", ok("p", chain));
        assertEquals("ok:ok:ok:bottom", ok("p", "call p ".repeat(3) + "echo bottom"));
    }

    @Test
    void aBusyCalleeIsAnErrorCodeNeverADeadlock() {
        runtime();
        probe(Manifest.builder("p").withMaxConcurrency(1), "call:p");
        assertEquals("err:" + AbiError.BUSY.code() + ":", ok("p", "call p echo again"));
    }

    @Test
    void aTrappingCalleeIsCalleeFailedWithItsMessage() {
        runtime();
        probe("callee");
        probe("p", "call:callee");
        String r = ok("p", "call callee oob log");
        assertTrue(r.startsWith("err:" + AbiError.CALLEE_FAILED.code() + ":function 'callee' trapped: ubiq:v1.log"), r);
    }

    @Test
    void theCallersDeadlineBoundsTheCallee() {
        runtime();
        probe(Manifest.builder("callee").withTimeoutMs(20_000));
        probe(Manifest.builder("p").withTimeoutMs(300), "call:callee");
        long t0 = System.nanoTime();
        InvocationResult r = run("p", "callspin callee");
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(Outcome.TIMEOUT, r.outcome(), r.message());
        assertTrue(ms < 5_000, "took " + ms + " ms");
        // nothing stuck: both still serve
        assertEquals("fine", ok("callee", "echo fine"));
        assertEquals("ok:x", ok("p", "call callee echo x"));
        assertEquals(0, rt.stats("callee").inFlight());
    }

    @Test
    void spawnFansOutAndAwaitGathers() {
        runtime();
        probe(Manifest.builder("worker").withMaxConcurrency(8));
        probe("p", "call:worker");
        assertEquals("ok:x|ok:x|ok:x|ok:x", ok("p", "spawn worker 4 echo x"));
        assertEquals(4, rt.stats("worker").invocations());
        assertEquals(code(AbiError.NOT_FOUND), ok("p", "await 1"));
        assertEquals(code(AbiError.NOT_FOUND), ok("p", "await -5"));
    }

    @Test
    void outstandingSpawnsAreBoundedPerInvocation() {
        runtime(HostAbiConfig.builder().withMaxSpawnsPerInvocation(2).build());
        probe(Manifest.builder("worker").withMaxConcurrency(8));
        probe("p", "call:worker");
        assertEquals("ok:x|ok:x|err:" + AbiError.FULL.code(), ok("p", "spawn worker 3 echo x"));
    }

    @Test
    void unawaitedSpawnsAreCancelledWhenTheInvocationEnds() throws Exception {
        runtime();
        probe(Manifest.builder("worker").withMaxConcurrency(8).withTimeoutMs(30_000));
        probe("p", "call:worker");
        assertEquals("handles:1,2,3", ok("p", "spawnleak worker 3 spin"));
        long until = System.nanoTime() + 10_000_000_000L;
        while (rt.stats("worker").inFlight() > 0 && System.nanoTime() < until) {
            Thread.sleep(10);
        }
        assertEquals(0, rt.stats("worker").inFlight());
    }

    @Test
    void channelsCarryMessagesBetweenFunctionsWithBoundedCapacity() {
        runtime(HostAbiConfig.builder().withChannelCapacity(2).withChannelMaxMessageBytes(100_000).build());
        probe("producer", "channel:frames");
        probe("consumer", "channel:frames");
        assertEquals("err:" + AbiError.WOULD_BLOCK.code(), ok("consumer", "recv frames 0"));
        assertEquals("0", ok("producer", "send frames 70000 0"));
        assertEquals("0", ok("producer", "send frames 5 0"));
        assertEquals(code(AbiError.FULL), ok("producer", "send frames 5 0"));
        assertEquals(code(AbiError.TOO_LARGE), ok("producer", "send frames 100001 0"));
        assertEquals("70000:abcdefghijklmnop", ok("consumer", "recv frames 0"));
        assertEquals("5:abcde", ok("consumer", "recv frames 0"));
        long t0 = System.nanoTime();
        assertEquals("err:" + AbiError.TIMEOUT.code(), ok("consumer", "recv frames 50"));
        assertTrue(System.nanoTime() - t0 >= 45_000_000L);
    }

    @Test
    void aBlockedReceiveIsBoundedByTheDeadline() {
        runtime();
        probe(Manifest.builder("consumer").withTimeoutMs(200), "channel:c");
        long t0 = System.nanoTime();
        InvocationResult r = run("consumer", "recv c 60000");
        assertEquals(Outcome.TIMEOUT, r.outcome(), r.message());
        assertTrue((System.nanoTime() - t0) / 1_000_000 < 5_000);
        assertEquals("hi", ok("consumer", "echo hi"));
    }

    @Test
    void outOfBoundsPointersTrapWithAMessageNamingTheHostcall() {
        runtime();
        probe("p", "kv:*", "call:*", "channel:*");
        for (String h : new String[] {"log", "kv_get", "kv_put", "call", "random", "channel_send", "result_read"}) {
            InvocationResult r = run("p", "oob " + h);
            assertEquals(Outcome.TRAP, r.outcome(), h + ": " + r.message());
            assertTrue(r.message().contains("ubiq:v1." + h + ": "), r.message());
            assertTrue(r.message().contains("outside the caller's linear memory"), r.message());
        }
        InvocationResult huge = run("p", "hugelen");
        assertEquals(Outcome.TRAP, huge.outcome());
        assertTrue(huge.message().contains("ubiq:v1.kv_put: value [0, +2147483647)"), huge.message());
        // the function and the node are fine afterwards
        assertEquals("still here", ok("p", "echo still here"));
    }

    @Test
    void aModuleImportingAnUnknownHostcallIsUnlinkableWithAClearMessage() {
        runtime();
        byte[] wasm = Guests.bytes("abi_unknown_hostcall");
        var e = org.junit.jupiter.api.Assertions.assertThrows(dev.ubiq.runtime.UbiqException.UnlinkableModuleException.class,
                () -> rt.deploy("t", wasm));
        assertTrue(e.getMessage().contains("ubiq:v1.teleport"), e.getMessage());
        assertFalse(rt.functions().stream().anyMatch(f -> f.name().equals("t")));
    }

    @Test
    void theBenchmarkGuestRunsEveryMeasuredOperation() {
        runtime();
        rt.deploy("sink", Guests.bytes("abi_bench"));
        rt.deploy(Guests.bytes("abi_bench"), Manifest.builder("bench").withCapability("call:sink")
                .withCapability("kv:bench").withCapability("channel:bench").build());
        for (String op : new String[] {"C5", "P5", "G5", "Q5"}) {
            InvocationResult r = run("bench", op);
            assertEquals(Outcome.OK, r.outcome(), r.message());
            assertTrue(r.outputAsString().matches("ops=5 p50=\\d+ p99=\\d+ mean=\\d+"), op + " -> " + r.outputAsString());
        }
        assertEquals(5, rt.stats("sink").invocations());
        assertEquals("err=" + AbiError.DENIED.code(), run("sink", "C1").outputAsString());
    }

    @Test
    void queuedChannelBytesAreCappedNodeWide() {
        runtime(HostAbiConfig.builder().withChannelMaxQueuedBytes(100_000).withChannelMaxMessageBytes(80_000).build());
        probe("p", "channel:*");
        assertEquals("0", ok("p", "send a 60000 0"));
        // another channel, room in its queue, but the node-wide cap is reached
        assertEquals(code(AbiError.FULL), ok("p", "send b 60000 0"));
        assertEquals("60000:abcdefghijklmnop", ok("p", "recv a 0"));
        assertEquals("0", ok("p", "send b 60000 0"));
        assertEquals(60_000, rt.hostAbi().channels().queuedBytes());
    }

    @Test
    void manifestConfigTableParsesAndRoundTripsAndBadTablesAreErrors() {
        Manifest m = Manifest.parseToml("""
                name = "p"
                capabilities = ["kv:a"]
                [config]
                greeting = "Moin"
                "max.items" = "10"
                """);
        assertEquals(java.util.Map.of("greeting", "Moin", "max.items", "10"), m.config());
        assertEquals(m.config(), Manifest.parseJson(m.toJson()).config());
        org.junit.jupiter.api.Assertions.assertThrows(dev.ubiq.runtime.UbiqException.InvalidManifestException.class,
                () -> Manifest.parseToml("[config]\nn = 3\n"));
        org.junit.jupiter.api.Assertions.assertThrows(dev.ubiq.runtime.UbiqException.InvalidManifestException.class,
                () -> Manifest.parseToml("[confg]\nn = \"3\"\n"));
    }

    @Test
    void aWasiCommandUsesTheAbiToo() {
        runtime();
        rt.deploy(Guests.bytes("abi_command"), Manifest.builder("cmd").withCapability("kv:runs").build());
        InvocationResult first = rt.invoke("cmd", Request.of("hello"));
        assertEquals(Outcome.OK, first.outcome(), first.message());
        assertEquals("run 1: hello", first.outputAsString());
        assertEquals("[INFO] hello\n", first.logAsString());
        assertEquals("run 2: again", rt.invoke("cmd", Request.of("again")).outputAsString());
        rt.deploy(Guests.bytes("abi_command"), Manifest.builder("denied").build());
        InvocationResult d = rt.invoke("denied", Request.of("x"));
        assertEquals(Outcome.GUEST_ERROR, d.outcome());
        assertEquals(3, d.exitCode());
        assertEquals("kv failed: DENIED", d.outputAsString());
        assertTrue(d.logAsString().contains("ubiq:v1.kv_get denied: namespace 'runs'"), d.logAsString());
    }

    @Test
    void theNodeWideSpawnLimitIsBusyNotAQueue() {
        runtime(HostAbiConfig.builder().withMaxConcurrentSpawns(1).build());
        probe(Manifest.builder("worker").withMaxConcurrency(4).withTimeoutMs(30_000));
        probe("p", "call:worker");
        assertEquals("handles:1," + AbiError.BUSY.code(), ok("p", "spawnleak worker 2 spin"));
        // the cancelled spawn gave its slot back: many rounds of spawn-and-leave never exhaust the pool
        for (int i = 0; i < 50; i++) {
            assertEquals("handles:1", ok("p", "spawnleak worker 1 echo x"));
        }
        long until = System.nanoTime() + 10_000_000_000L;
        String last = "";
        while (System.nanoTime() < until && !(last = ok("p", "spawn worker 1 echo y")).equals("ok:y")) {
            Thread.onSpinWait();
        }
        assertEquals("ok:y", last);
    }
}
