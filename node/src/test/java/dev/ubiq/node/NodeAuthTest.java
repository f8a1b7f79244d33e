package dev.ubiq.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Bearer tokens: scopes, errors, the token files, public routes. */
@ExtendWith(NettyLeakCheck.class)
@Timeout(60)
class NodeAuthTest {
    @TempDir
    Path dir;

    private static final byte[] NONE = new byte[0];

    @Test
    void missingTokenGets401WithWwwAuthenticateOnEveryProtectedEndpoint() {
        try (TestNode t = TestNode.start(dir)) {
            t.deploy("hello", Guests.bytes("hello.wasm"));
            String[][] calls = {
                {"GET", "/v1/functions"}, {"GET", "/v1/functions/hello"}, {"PUT", "/v1/functions/hello"},
                {"DELETE", "/v1/functions/hello"}, {"POST", "/v1/functions/hello/invoke"},
                {"GET", "/v1/functions/hello/logs"}, {"GET", "/metrics"},
            };
            for (String[] c : calls) {
                RawHttp.Response r = t.call(c[0], c[1], null, NONE);
                assertEquals(401, r.status(), c[0] + " " + c[1]);
                assertEquals("Bearer realm=\"ubiq\"", r.header("WWW-Authenticate"), c[0] + " " + c[1]);
                assertEquals("unauthorized", TestNode.json(r).get("error").asText());
            }
            // nothing was deleted or redeployed by the refused calls
            assertEquals(1, TestNode.json(t.get("/v1/functions/hello", t.admin())).get("version").asInt());
        }
    }

    @Test
    void unknownOrMalformedTokenGets401() {
        try (TestNode t = TestNode.start(dir)) {
            for (String auth : new String[] {"Bearer ubq_admin_not-the-token", "Bearer ", "Basic YWRtaW46YWRtaW4=",
                    t.node.adminToken(), "Bearer " + t.node.adminToken() + "x"}) {
                RawHttp.Response r = t.get("/v1/functions", auth);
                assertEquals(401, r.status(), auth);
                assertTrue(r.header("WWW-Authenticate").startsWith("Bearer"));
            }
        }
    }

    @Test
    void aConnectionIsCheckedOnEveryRequestNotJustItsFirst() throws Exception {
        // the node remembers the last token that verified on a connection: a different, wrong or
        // missing one later on the same connection must still be refused, and scopes still hold
        try (TestNode t = TestNode.start(dir); RawHttp c = t.connect(10_000)) {
            t.deploy("hello", Guests.bytes("hello.wasm"));
            String invoke = "Authorization: " + t.invoker();
            String admin = "Authorization: " + t.admin();
            String[][] steps = {
                {"POST", "/v1/functions/hello/invoke", invoke, "200"},
                {"POST", "/v1/functions/hello/invoke", invoke, "200"},
                {"POST", "/v1/functions/hello/invoke", invoke + "x", "401"},
                {"POST", "/v1/functions/hello/invoke", null, "401"},
                {"GET", "/v1/functions", invoke, "403"},
                {"GET", "/v1/functions", admin, "200"},
                {"GET", "/v1/functions", invoke, "403"},
                {"GET", "/v1/functions", "Authorization: Bearer ubq_admin_guess", "401"},
                {"GET", "/v1/functions", admin, "200"},
            };
            for (String[] s : steps) {
                c.send(s[0], s[1], NONE, s[2]);
                RawHttp.Response r = c.read();
                assertEquals(Integer.parseInt(s[3]), r.status(), String.join(" ", s) + ": " + r.body());
            }
        }
    }

    @Test
    void invokeTokenOnAdminEndpointsGets403AndChangesNothing() {
        try (TestNode t = TestNode.start(dir)) {
            t.deploy("hello", Guests.bytes("hello.wasm"));
            String inv = t.invoker();
            RawHttp.Response[] refused = {
                t.get("/v1/functions", inv), t.get("/v1/functions/hello", inv),
                t.call("PUT", "/v1/functions/other", inv, Guests.bytes("hello.wasm"), "Content-Type: application/wasm"),
                t.delete("/v1/functions/hello", inv), t.get("/v1/functions/hello/logs", inv),
            };
            for (RawHttp.Response r : refused) {
                assertEquals(403, r.status(), r.body());
                assertEquals("forbidden", TestNode.json(r).get("error").asText());
                assertTrue(TestNode.json(r).get("message").asText().contains("needs scope 'admin'"));
            }
            // the invoke token does invoke and read metrics
            assertEquals(200, t.invoke("hello", "").status());
            assertEquals(200, t.get("/metrics", inv).status());
            assertEquals(1, TestNode.json(t.get("/v1/functions", t.admin())).get("functions").size());
        }
    }

    @Test
    void adminTokenDoesEverything() {
        try (TestNode t = TestNode.start(dir)) {
            String a = t.admin();
            assertEquals(201, t.call("PUT", "/v1/functions/trapper", a, Guests.bytes("trap.wasm"),
                    "Content-Type: application/wasm").status());
            assertEquals(500, t.post("/v1/functions/trapper/invoke", a, NONE).status());
            assertEquals(200, t.get("/v1/functions", a).status());
            assertEquals(200, t.get("/v1/functions/trapper", a).status());
            RawHttp.Response logs = t.get("/v1/functions/trapper/logs?lines=10", a);
            assertEquals(200, logs.status());
            assertTrue(logs.body().contains("about to trap"), logs.body());
            assertTrue(logs.body().contains("[ubiq] TRAP"), logs.body());
            assertEquals(200, t.get("/metrics", a).status());
            assertEquals(204, t.delete("/v1/functions/trapper", a).status());
        }
    }

    @Test
    void tokenFilesAreOwnerOnlyAndReusedAcrossRestarts() throws Exception {
        String admin;
        String invoke;
        try (TestNode t = TestNode.start(dir)) {
            admin = t.node.adminToken();
            invoke = t.node.invokeToken();
            assertTrue(t.logText().contains("created tokens"), t.logText());
        }
        for (String f : new String[] {"admin.token", "invoke.token"}) {
            Path p = dir.resolve(f);
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), f);
        }
        assertEquals(admin, Files.readString(dir.resolve("admin.token"), StandardCharsets.US_ASCII).strip());
        assertTrue(admin.startsWith("ubq_admin_") && invoke.startsWith("ubq_invoke_"));
        assertFalse(admin.equals(invoke));
        try (TestNode t = TestNode.start(dir)) {
            assertEquals(admin, t.node.adminToken());
            assertEquals(invoke, t.node.invokeToken());
            assertFalse(t.logText().contains("created tokens"), t.logText());
            assertEquals(200, t.get("/v1/functions", "Bearer " + admin).status());
        }
    }

    @Test
    void unusableTokenFileStopsTheStartWithItsPath() throws Exception {
        Files.writeString(dir.resolve("admin.token"), "short\n");
        var e = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class, () -> TestNode.start(dir).close());
        assertTrue(e.getMessage().contains("admin.token"), e.getMessage());
    }

    @Test
    void publicRoutesNeedNoTokenButTheApiStillDoes() {
        try (TestNode t = TestNode.start(dir, b -> b.withPublicRoutes(true))) {
            assertEquals(201, t.deploy("env", Guests.bytes("env_args.wasm"), "m.json", "{\"route\": \"/pub\"}").status());
            RawHttp.Response r = t.get("/pub", null);
            assertEquals(200, r.status(), r.body());
            assertTrue(r.body().contains("REQUEST_METHOD=GET"));
            assertEquals(401, t.post("/v1/functions/env/invoke", null, NONE).status());
            assertEquals(401, t.get("/v1/functions", null).status());
            // an unknown path is still 404, not a route
            assertEquals(404, t.get("/nothing-here", null).status());
        }
        try (TestNode t = TestNode.start(dir)) {
            // the same function, restored, on a node whose routes are private (the default)
            assertEquals(401, t.get("/pub", null).status());
            assertEquals(200, t.get("/pub", t.invoker()).status());
        }
    }
}
