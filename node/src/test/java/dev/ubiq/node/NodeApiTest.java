package dev.ubiq.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The HTTP API against a real node on loopback: deploy, list, describe, delete, invoke, routes, health, metrics. */
@ExtendWith(NettyLeakCheck.class)
@Timeout(60)
class NodeApiTest {
    @TempDir
    Path dir;
    TestNode t;

    @BeforeEach
    void start() {
        t = TestNode.start(dir);
    }

    @AfterEach
    void stop() {
        t.close();
    }

    @Test
    void deployOfApplicationWasmAnswers201WithTheVersion() {
        byte[] hello = Guests.bytes("hello.wasm");
        RawHttp.Response r = t.deploy("hello", hello);
        assertEquals(201, r.status(), r.body());
        assertEquals("application/json", r.header("Content-Type"));
        JsonNode j = TestNode.json(r);
        assertEquals("hello", j.get("name").asText());
        assertEquals(1, j.get("version").asInt());
        assertEquals("wasi-command", j.get("shape").asText());
        assertEquals(Guests.sha256(hello), j.get("sha256").asText());
        assertEquals(hello.length, j.get("size_bytes").asInt());
        // POST deploys too; versions count up per name
        RawHttp.Response r2 = t.post("/v1/functions/hello", t.admin(), hello, "Content-Type: application/wasm");
        assertEquals(201, r2.status(), r2.body());
        assertEquals(2, TestNode.json(r2).get("version").asInt());
    }

    @Test
    void multipartDeployWithTomlManifestAppliesIt() {
        String toml = "timeout_ms = 4000\nroute = \"/toml\"\n[env]\nUBIQ_TEST = \"from-toml\"\n";
        RawHttp.Response r = t.deploy("envt", Guests.bytes("env_args.wasm"), "ubiq.toml", toml);
        assertEquals(201, r.status(), r.body());
        assertEquals("/toml", TestNode.json(r).get("route").asText());
        RawHttp.Response out = t.invoke("envt", "");
        assertEquals(200, out.status(), out.body());
        assertTrue(out.body().contains("UBIQ_TEST=from-toml\n"), out.body());
        JsonNode d = TestNode.json(t.get("/v1/functions/envt", t.admin()));
        assertEquals(4000, d.get("config").get("timeout_ms").asLong());
    }

    @Test
    void multipartDeployWithJsonManifestAppliesIt() {
        String json = "{\"env\": {\"UBIQ_TEST\": \"from-json\"}, \"args\": [\"one\"], \"timeout_ms\": 3000}";
        RawHttp.Response r = t.deploy("envj", Guests.bytes("env_args.wasm"), "ubiq.json", json);
        assertEquals(201, r.status(), r.body());
        RawHttp.Response out = t.invoke("envj", "");
        assertTrue(out.body().contains("arg[1]=one\n"), out.body());
        assertTrue(out.body().contains("UBIQ_TEST=from-json\n"), out.body());
        // the invoke endpoint says POST in REQUEST_METHOD
        assertTrue(out.body().contains("REQUEST_METHOD=POST\n"), out.body());
        assertEquals(3000, TestNode.json(t.get("/v1/functions/envj", t.admin())).get("config").get("timeout_ms").asLong());
    }

    @Test
    void listShowsEveryFunctionByName() {
        assertEquals(0, TestNode.json(t.get("/v1/functions", t.admin())).get("functions").size());
        t.deploy("b-second", Guests.bytes("hello.wasm"));
        t.deploy("a-first", Guests.bytes("trivial_reactor.wasm"));
        RawHttp.Response r = t.get("/v1/functions", t.admin());
        assertEquals(200, r.status());
        JsonNode fns = TestNode.json(r).get("functions");
        assertEquals(2, fns.size());
        assertEquals("a-first", fns.get(0).get("name").asText());
        assertEquals("reactor", fns.get(0).get("shape").asText());
        assertEquals("b-second", fns.get(1).get("name").asText());
        // trailing slash is the same collection
        assertEquals(2, TestNode.json(t.get("/v1/functions/", t.admin())).get("functions").size());
    }

    @Test
    void describeShowsStoredVersionsConfigAndStats() {
        t.deploy("hello", Guests.bytes("hello.wasm"));
        t.deploy("hello", Guests.bytes("hello.wasm"));
        t.invoke("hello", "a");
        t.invoke("hello", "b");
        RawHttp.Response r = t.get("/v1/functions/hello", t.admin());
        assertEquals(200, r.status(), r.body());
        JsonNode d = TestNode.json(r);
        assertEquals(2, d.get("version").asInt());
        assertEquals("[1,2]", d.get("stored_versions").toString());
        assertEquals(10_000, d.get("config").get("timeout_ms").asLong());
        assertTrue(d.get("exports").toString().contains("_start"), d.toString());
        assertTrue(d.get("imports").toString().contains("wasi_snapshot_preview1"), d.toString());
        assertEquals(2, d.get("stats").get("invocations").asLong());
        assertEquals(2, d.get("stats").get("outcomes").get("ok").asLong());
        assertEquals(0, d.get("stats").get("in_flight").asLong());
    }

    @Test
    void deleteAnswers204ThenTheFunctionIs404() {
        t.deploy("gone", Guests.bytes("hello.wasm"));
        RawHttp.Response del = t.delete("/v1/functions/gone", t.admin());
        assertEquals(204, del.status(), del.body());
        assertEquals("", del.body());
        RawHttp.Response get = t.get("/v1/functions/gone", t.admin());
        assertEquals(404, get.status());
        assertEquals("not_found", TestNode.json(get).get("error").asText());
        assertTrue(TestNode.json(get).get("message").asText().contains("'gone'"));
        assertEquals(404, t.delete("/v1/functions/gone", t.admin()).status());
        RawHttp.Response inv = t.invoke("gone", "x");
        assertEquals(404, inv.status());
        assertEquals("not_found", TestNode.json(inv).get("error").asText());
        assertEquals(0, TestNode.json(t.get("/v1/functions", t.admin())).get("functions").size());
    }

    @Test
    void invokeReturnsTheOutputWithOutcomeHeaders() {
        t.deploy("hello", Guests.bytes("hello.wasm"));
        RawHttp.Response r = t.invoke("hello", "abc");
        assertEquals(200, r.status(), r.body());
        assertEquals("hello from wasm\necho: abc", r.body());
        assertEquals("application/octet-stream", r.header("Content-Type"));
        assertEquals("ok", r.header("Ubiq-Outcome"));
        assertEquals("1", r.header("Ubiq-Version"));
        assertTrue(Long.parseLong(r.header("Ubiq-Invocation-Id")) > 0);
        assertTrue(Long.parseLong(r.header("Ubiq-Duration-Us")) >= 0);
        RawHttp.Response r2 = t.invoke("hello", "");
        assertEquals("hello from wasm\n", r2.body());
        assertFalse(r.header("Ubiq-Invocation-Id").equals(r2.header("Ubiq-Invocation-Id")));
    }

    @Test
    void routeRunsACommandWithTheCgiRequestMethod() {
        String manifest = "{\"route\": \"/env\"}";
        assertEquals(201, t.deploy("envr", Guests.bytes("env_args.wasm"), "m.json", manifest).status());
        RawHttp.Response get = t.get("/env/some/path?q=1", t.invoker());
        assertEquals(200, get.status(), get.body());
        assertTrue(get.body().contains("REQUEST_METHOD=GET\n"), get.body());
        assertEquals("ok", get.header("Ubiq-Outcome"));
        RawHttp.Response put = t.call("PUT", "/env", t.invoker(), "x".getBytes(StandardCharsets.UTF_8));
        assertTrue(put.body().contains("REQUEST_METHOD=PUT\n"), put.body());
        // a path that only shares a prefix with the route is not the route
        assertEquals(404, t.get("/envelope", t.invoker()).status());
        // a route needs a token unless routes are public
        assertEquals(401, t.get("/env", null).status());
    }

    @Test
    void routeToAReactorEchoesTheHttpTextSoACgiHeadInTheBodyIsNotInterpreted() {
        assertEquals(201, t.deploy("echo", Guests.bytes("trivial_reactor.wasm"), "m.json", "{\"route\": \"/echo\"}").status());
        String body = "Status: 201 Created\r\nContent-Type: text/plain\r\n\r\nhi";
        RawHttp.Response r = t.post("/echo/sub?x=1", t.invoker(), body.getBytes(StandardCharsets.UTF_8), "X-Trace: abc");
        // the reactor gets "POST /echo/sub?x=1 HTTP/1.1 CRLF headers CRLF CRLF body" and echoes it all:
        // the output starts with the request line, not a CGI head, so it is a plain 200 body
        assertEquals(200, r.status(), r.body());
        assertEquals("application/octet-stream", r.header("Content-Type"));
        assertTrue(r.body().startsWith("POST /echo/sub?x=1 HTTP/1.1\r\n"), r.body());
        assertTrue(r.body().toLowerCase().contains("x-trace: abc\r\n"), r.body());
        assertTrue(r.body().endsWith("\r\n\r\n" + body), r.body());
        assertFalse(r.body().toLowerCase().contains("authorization"), "Authorization must not reach the guest: " + r.body());
        assertFalse(r.body().contains(t.node.invokeToken()), r.body());
    }

    @Test
    void healthzNeedsNoToken() {
        t.deploy("hello", Guests.bytes("hello.wasm"));
        RawHttp.Response r = t.get("/healthz", null);
        assertEquals(200, r.status());
        JsonNode j = TestNode.json(r);
        assertEquals("ok", j.get("status").asText());
        assertEquals(1, j.get("functions").asInt());
    }

    @Test
    void metricsAreValidPrometheusTextAndCountersMove() {
        t.deploy("hello", Guests.bytes("hello.wasm"));
        t.deploy("trapper", Guests.bytes("trap.wasm"));
        Map<String, Double> before = parseMetrics(t.get("/metrics", t.invoker()));
        t.invoke("hello", "x");
        t.invoke("hello", "y");
        t.invoke("trapper", "");
        RawHttp.Response r = t.get("/metrics", t.invoker());
        assertTrue(r.header("Content-Type").startsWith("text/plain; version=0.0.4"));
        Map<String, Double> after = parseMetrics(r);
        assertEquals(before.get("ubiq_invocations_total{function=\"hello\",outcome=\"ok\"}") + 2,
                after.get("ubiq_invocations_total{function=\"hello\",outcome=\"ok\"}"));
        assertEquals(1.0, after.get("ubiq_invocations_total{function=\"trapper\",outcome=\"trap\"}"));
        assertEquals(2.0, after.get("ubiq_functions"));
        assertEquals(1.0, after.get("ubiq_function_version{function=\"hello\"}"));
        assertTrue(after.get("ubiq_http_requests_total") >= before.get("ubiq_http_requests_total") + 4);
        assertTrue(after.get("ubiq_bytes_in_total{function=\"hello\"}") >= 2);
        assertTrue(after.get("ubiq_uptime_seconds") >= 0);
        assertNotNull(after.get("ubiq_invocation_duration_seconds{function=\"hello\",quantile=\"0.99\"}"));
        assertEquals(0.0, after.get("ubiq_node_rejected_total"));
    }

    private static final Pattern SAMPLE = Pattern.compile(
            "([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\"(,[a-zA-Z_][a-zA-Z0-9_]*=\"[^\"]*\")*\\})? (\\S+)");

    /** Parses the text format strictly: HELP and TYPE before each family's samples, numbers only. */
    static Map<String, Double> parseMetrics(RawHttp.Response r) {
        assertEquals(200, r.status(), r.body());
        Map<String, Double> out = new HashMap<>();
        Map<String, String> types = new HashMap<>();
        List<String> seenFamilies = new ArrayList<>();
        for (String line : r.body().split("\n")) {
            if (line.startsWith("# HELP ")) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] p = line.split(" ");
                assertEquals(4, p.length, line);
                assertTrue(List.of("counter", "gauge", "summary", "histogram", "untyped").contains(p[3]), line);
                assertFalse(types.containsKey(p[2]), "family declared twice: " + p[2]);
                types.put(p[2], p[3]);
                seenFamilies.add(p[2]);
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            assertTrue(m.matches(), "not a sample line: '" + line + "'");
            String family = m.group(1);
            assertTrue(types.containsKey(family), "sample before its TYPE: " + line);
            assertEquals(family, seenFamilies.getLast(), "samples of a family must be together: " + line);
            if (types.get(family).equals("counter")) {
                assertTrue(family.endsWith("_total"), "counter without _total: " + family);
            }
            String key = family + (m.group(2) == null ? "" : m.group(2));
            assertFalse(out.containsKey(key), "duplicate sample " + key);
            out.put(key, Double.parseDouble(m.group(4)));
        }
        return out;
    }
}
