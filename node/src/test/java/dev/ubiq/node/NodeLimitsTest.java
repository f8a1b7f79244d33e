package dev.ubiq.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ubiq.runtime.Limits;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Limits and errors: every bad input gets a clear error, and afterwards the node still serves the
 * function deployed before it (v1 of {@code ok}).
 */
@ExtendWith(NettyLeakCheck.class)
@Timeout(60)
class NodeLimitsTest {
    static final int MAX_MODULE = 64 << 10;
    static final int MAX_PAYLOAD = 4 << 10;
    /** The HTTP aggregator's limit: the module limit plus 1 MiB for a multipart envelope. */
    static final int AGGREGATOR = MAX_MODULE + (1 << 20);

    @TempDir
    Path dir;
    TestNode t;

    @BeforeEach
    void start() {
        t = TestNode.start(dir, b -> b
                .withLimits(Limits.builder().withMaxModuleBytes(MAX_MODULE).withMaxPayloadBytes(MAX_PAYLOAD).build())
                .withRequestTimeoutMs(1_000)
                .withIdleTimeoutMs(800));
        assertEquals(201, t.deploy("ok", Guests.bytes("hello.wasm")).status());
    }

    @AfterEach
    void stop() {
        t.close();
    }

    /** The node is unharmed: {@code ok} is still version 1 and answers. */
    private void stillServing() {
        RawHttp.Response r = t.invoke("ok", "still");
        assertEquals(200, r.status(), r.body());
        assertEquals("hello from wasm\necho: still", r.body());
        assertEquals("1", r.header("Ubiq-Version"));
        assertEquals(200, t.get("/healthz", null).status());
    }

    private static void assertError(RawHttp.Response r, int status, String kind, String messagePart) {
        assertEquals(status, r.status(), r.body());
        var j = TestNode.json(r);
        assertEquals(kind, j.get("error").asText(), r.body());
        assertTrue(j.get("message").asText().contains(messagePart), "message '" + j.get("message").asText()
                + "' should contain '" + messagePart + "'");
    }

    @Test
    void payloadOverTheRuntimeLimitGets413WithTheRuntimesMessage() {
        RawHttp.Response r = t.post("/v1/functions/ok/invoke", t.invoker(), new byte[MAX_PAYLOAD + 1]);
        assertError(r, 413, "payload_too_large", Integer.toString(MAX_PAYLOAD));
        assertEquals("ok", TestNode.json(r).get("function").asText());
        // exactly the limit is fine
        assertEquals(200, t.post("/v1/functions/ok/invoke", t.invoker(), new byte[MAX_PAYLOAD]).status());
        stillServing();
    }

    @Test
    void bodyOverTheAggregatorLimitGets413AndTheConnectionIsClosed() throws IOException {
        try (RawHttp c = t.connect(10_000)) {
            c.send("POST", "/v1/functions/ok/invoke", new byte[AGGREGATOR + 1], "Authorization: " + t.invoker());
            RawHttp.Response r = c.read();
            assertError(r, 413, "payload_too_large", "limit of " + AGGREGATOR + " bytes");
            assertTrue(c.closedByServer(), "the connection must be closed after a body that cannot be read");
        }
        stillServing();
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws IOException {
        assertEquals(201, t.deploy("slow", Guests.bytes("spin.wasm"), "m.toml", "timeout_ms = 300\n").status());
        try (RawHttp c = t.connect(10_000)) {
            // three requests back to back on one connection: the slow one first
            c.send("POST", "/v1/functions/slow/invoke", new byte[0], "Authorization: " + t.invoker());
            c.send("POST", "/v1/functions/ok/invoke", "one".getBytes(), "Authorization: " + t.invoker());
            c.send("POST", "/v1/functions/ok/invoke", "two".getBytes(), "Authorization: " + t.invoker());
            assertEquals(504, c.read().status());
            assertEquals("hello from wasm\necho: one", c.read().body());
            assertEquals("hello from wasm\necho: two", c.read().body());
        }
        stillServing();
    }

    @Test
    void moduleOverTheModuleLimitGets413() {
        byte[] big = Guests.withCustomSection(Guests.bytes("hello.wasm"), "pad", MAX_MODULE);
        assertError(t.deploy("ok", big), 413, "module_too_large", "module size limit of " + MAX_MODULE);
        assertError(t.deploy("ok", big, "m.toml", "timeout_ms = 100\n"), 413, "module_too_large", "module size limit");
        stillServing();
    }

    @Test
    void badModulesGet400WithTheirKind() {
        assertError(t.deploy("ok", "not wasm at all".getBytes(StandardCharsets.UTF_8)), 400, "malformed_module", "");
        assertError(t.deploy("ok", new byte[0]), 400, "malformed_module", "");
        assertError(t.deploy("ok", Guests.bytes("unknown_import.wasm")), 400, "unlinkable_module", "does_not_exist");
        assertError(t.deploy("ok", Guests.bytes("start_trap.wasm")), 400, "instantiation_failed", "");
        stillServing();
    }

    @Test
    void badManifestsGet400NamingTheField() {
        byte[] hello = Guests.bytes("hello.wasm");
        assertError(t.deploy("ok", hello, "m.toml", "colour = \"blue\"\n"), 400, "invalid_manifest", "unknown manifest field 'colour'");
        assertError(t.deploy("ok", hello, "m.json", "{\"colour\": 1}"), 400, "invalid_manifest", "unknown manifest field 'colour'");
        assertError(t.deploy("ok", hello, "m.toml", "timeout_ms = 0\n"), 400, "invalid_manifest", "timeout_ms");
        assertError(t.deploy("ok", hello, "m.toml", "timeout_ms = \"soon\"\n"), 400, "invalid_manifest", "timeout_ms");
        assertError(t.deploy("ok", hello, "m.toml", "max_memory_mb = 999999\n"), 400, "invalid_manifest", "max_memory_mb");
        assertError(t.deploy("ok", hello, "m.toml", "timeout_ms = = 3\n"), 400, "invalid_manifest", "not valid TOML");
        assertError(t.deploy("ok", hello, "m.json", "{\"timeout_ms\": "), 400, "invalid_manifest", "not valid JSON");
        assertError(t.deploy("ok", hello, "m.toml", "name = \"other\"\n"), 400, "invalid_manifest", "deployed as 'ok'");
        assertError(t.deploy("ok", hello, "m.toml", "min_warm = 2\n"), 400, "invalid_manifest", "reactors only");
        assertError(t.deploy("ok", hello, "m.toml", "timeout_ms = 400000\n"), 400, "limit_exceeded",
                "above the node's cap of 300000");
        stillServing();
    }

    @Test
    void badRoutesGet400() {
        byte[] hello = Guests.bytes("hello.wasm");
        assertError(t.deploy("ok", hello, "m.toml", "route = \"no-slash\"\n"), 400, "invalid_manifest", "must be a URL path");
        assertError(t.deploy("ok", hello, "m.toml", "route = \"/a//b\"\n"), 400, "invalid_manifest", "must be a URL path");
        for (String reserved : new String[] {"/", "/v1", "/v1/functions", "/healthz", "/metrics"}) {
            assertError(t.deploy("ok", hello, "m.toml", "route = \"" + reserved + "\"\n"), 400, "invalid_manifest",
                    "reserved by the node");
        }
        assertEquals(201, t.deploy("owner", hello, "m.toml", "route = \"/taken\"\n").status());
        assertError(t.deploy("thief", hello, "m.toml", "route = \"/taken\"\n"), 400, "invalid_manifest",
                "already served by function 'owner'");
        assertEquals(404, t.get("/v1/functions/thief", t.admin()).status());
        stillServing();
    }

    @Test
    void badUploadsGet400() {
        byte[] hello = Guests.bytes("hello.wasm");
        assertError(t.call("PUT", "/v1/functions/ok", t.admin(), hello, "Content-Type: text/plain"), 400, "bad_upload",
                "Content-Type text/plain");
        byte[] noModule = ("--" + TestNode.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"manifest\"\r\n\r\n"
                + "timeout_ms = 5\r\n--" + TestNode.BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
        assertError(t.call("PUT", "/v1/functions/ok", t.admin(), noModule,
                "Content-Type: multipart/form-data; boundary=" + TestNode.BOUNDARY), 400, "bad_upload", "no 'module' part");
        byte[] extra = ("--" + TestNode.BOUNDARY + "\r\nContent-Disposition: form-data; name=\"picture\"\r\n\r\n"
                + "x\r\n--" + TestNode.BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8);
        assertError(t.call("PUT", "/v1/functions/ok", t.admin(), extra,
                "Content-Type: multipart/form-data; boundary=" + TestNode.BOUNDARY), 400, "bad_upload", "unknown form part 'picture'");
        assertError(t.deploy("bad.name", hello), 400, "invalid_name", "invalid function name 'bad.name'");
        assertError(t.deploy("-dash", hello), 400, "invalid_name", "invalid function name");
        stillServing();
    }

    @Test
    void unknownFunctionsAndPathsGet404() {
        assertError(t.invoke("nope", "x"), 404, "not_found", "nope");
        assertError(t.get("/v1/functions/nope", t.admin()), 404, "not_found", "no function named 'nope'");
        assertError(t.get("/v1/functions/nope/logs", t.admin()), 404, "not_found", "nope");
        assertError(t.get("/v1/functions/ok/other", t.admin()), 404, "not_found", "no such endpoint");
        assertError(t.get("/v1/functions/ok/invoke/x", t.admin()), 404, "not_found", "no such endpoint");
        assertError(t.get("/nowhere", t.admin()), 404, "not_found", "/nowhere");
        stillServing();
    }

    @Test
    void wrongMethodsGet405WithAllow() {
        RawHttp.Response r = t.get("/v1/functions/ok/invoke", t.invoker());
        assertError(r, 405, "method_not_allowed", "POST");
        assertEquals("POST", r.header("Allow"));
        assertEquals("GET", t.call("POST", "/v1/functions", t.admin(), new byte[0]).header("Allow"));
        assertEquals("GET", t.call("DELETE", "/v1/functions/ok/logs", t.admin(), new byte[0]).header("Allow"));
        RawHttp.Response patch = t.call("PATCH", "/v1/functions/ok", t.admin(), new byte[0]);
        assertEquals(405, patch.status());
        assertTrue(patch.header("Allow").contains("PUT"), patch.header("Allow"));
        stillServing();
    }

    @Test
    void aFunctionAtItsConcurrencyLimitGets429WithRetryAfter() throws Exception {
        assertEquals(201, t.deploy("spin", Guests.bytes("spin_reactor.wasm"), "m.toml",
                "max_concurrency = 1\ntimeout_ms = 10000\n").status());
        CompletableFuture<RawHttp.Response> first = CompletableFuture.supplyAsync(() -> t.invoke("spin", ""));
        awaitInFlight(t, "spin", 1);
        RawHttp.Response busy = t.invoke("spin", "");
        assertError(busy, 429, "busy", "");
        assertEquals("1", busy.header("Retry-After"));
        assertEquals("busy", busy.header("Ubiq-Outcome"));
        assertEquals(504, first.get(20, TimeUnit.SECONDS).status());
        stillServing();
    }

    @Test
    void aNodeAtItsInvocationCapacityGets503WithRetryAfter(@TempDir Path other) throws Exception {
        try (TestNode one = TestNode.start(other, b -> b.withMaxConcurrentInvocations(1))) {
            // long enough that a loaded machine still asks while it runs
            assertEquals(201, one.deploy("spin", Guests.bytes("spin.wasm"), "m.toml", "timeout_ms = 10000\n").status());
            assertEquals(201, one.deploy("hello", Guests.bytes("hello.wasm")).status());
            CompletableFuture<RawHttp.Response> first = CompletableFuture.supplyAsync(() -> one.invoke("spin", ""));
            awaitInFlight(one, "spin", 1);
            RawHttp.Response r = one.invoke("hello", "");
            assertError(r, 503, "node_busy", "maximum of 1 concurrent invocations");
            assertEquals("1", r.header("Retry-After"));
            assertEquals(504, first.get(20, TimeUnit.SECONDS).status());
            // capacity is back once the spinner ended (its thread returns to the pool just after
            // the response is written, so allow it a moment)
            int status = 0;
            for (int i = 0; i < 50 && status != 200; i++) {
                status = one.invoke("hello", "").status();
                if (status != 200) {
                    Thread.sleep(20);
                }
            }
            assertEquals(200, status);
            assertTrue(NodeApiTest.parseMetrics(one.get("/metrics", one.invoker())).get("ubiq_node_rejected_total") >= 1.0);
        }
    }

    @Test
    void timeoutGets504AndTrapGets500() {
        assertEquals(201, t.deploy("spin", Guests.bytes("spin.wasm"), "m.toml", "timeout_ms = 300\n").status());
        assertEquals(201, t.deploy("trap", Guests.bytes("trap.wasm")).status());
        long start = System.nanoTime();
        RawHttp.Response r = t.invoke("spin", "");
        assertError(r, 504, "timeout", "");
        assertEquals("timeout", r.header("Ubiq-Outcome"));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5));
        RawHttp.Response trap = t.invoke("trap", "");
        assertError(trap, 500, "trap", "");
        assertTrue(TestNode.json(trap).get("log").asText().contains("about to trap"), trap.body());
        stillServing();
    }

    @Test
    void hugeHeaderGets431AndTheConnectionIsClosed() throws IOException {
        try (RawHttp c = t.connect(5_000)) {
            c.send("GET", "/healthz", new byte[0], "X-Big: " + "a".repeat(20_000));
            RawHttp.Response r = c.read();
            assertError(r, 431, "bad_request", "");
            assertTrue(c.closedByServer());
        }
        stillServing();
    }

    @Test
    void overlongRequestLineGets414() throws IOException {
        try (RawHttp c = t.connect(5_000)) {
            c.send("GET", "/healthz?" + "q".repeat(10_000), new byte[0]);
            RawHttp.Response r = c.read();
            assertError(r, 414, "bad_request", "");
            assertTrue(c.closedByServer());
        }
        stillServing();
    }

    @Test
    void garbageRequestGets400() throws IOException {
        try (RawHttp c = t.connect(5_000)) {
            c.write("\u0001\u0002 nonsense\r\n\r\n");
            RawHttp.Response r = c.read();
            assertEquals(400, r.status(), r.body());
            assertTrue(c.closedByServer());
        }
        stillServing();
    }

    @Test
    void slowPartialRequestGets408AndIsClosed() throws IOException {
        try (RawHttp c = t.connect(5_000)) {
            long start = System.nanoTime();
            c.write("GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ");
            RawHttp.Response r = c.read();
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertError(r, 408, "request_timeout", "1000 ms");
            assertTrue(ms >= 900 && ms < 4_000, "408 after " + ms + " ms");
            assertTrue(c.closedByServer());
        }
        // a body that stops short is the same
        try (RawHttp c = t.connect(5_000)) {
            c.write("POST /v1/functions/ok/invoke HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly part");
            assertEquals(408, c.read().status());
            assertTrue(c.closedByServer());
        }
        stillServing();
    }

    @Test
    void idleKeepAliveConnectionIsClosedButALongInvocationIsNot() throws IOException {
        try (RawHttp c = t.connect(5_000)) {
            c.send("GET", "/healthz", new byte[0]);
            assertEquals(200, c.read().status());
            long start = System.nanoTime();
            assertTrue(c.closedByServer(), "an idle keep-alive connection is closed");
            long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
            assertTrue(ms >= 500 && ms < 4_000, "closed after " + ms + " ms (idle timeout 800 ms)");
        }
        assertEquals(201, t.deploy("spin", Guests.bytes("spin.wasm"), "m.toml", "timeout_ms = 2500\n").status());
        try (RawHttp c = t.connect(15_000)) {
            c.send("POST", "/v1/functions/spin/invoke", new byte[0], "Authorization: " + t.invoker());
            RawHttp.Response r = c.read();
            assertEquals(504, r.status(), "the invocation outlives the idle timeout: " + r.body());
            // and the connection is still usable afterwards
            c.send("GET", "/healthz", new byte[0]);
            assertEquals(200, c.read().status());
        }
        stillServing();
    }

    static void awaitInFlight(TestNode t, String name, int n) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (System.nanoTime() < deadline) {
            RawHttp.Response d = t.get("/v1/functions/" + name, t.admin());
            if (d.status() == 200 && TestNode.json(d).get("stats").get("in_flight").asInt() >= n) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError(name + " never had " + n + " invocations in flight");
    }

    static void assertNotContains(String haystack, String needle) {
        assertFalse(haystack.contains(needle), haystack);
    }
}
