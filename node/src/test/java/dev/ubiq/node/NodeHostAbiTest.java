package dev.ubiq.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** ubiq:v1 on a real node: function-to-function calls, KV in the data directory across restarts, callee logs. */
@ExtendWith(NettyLeakCheck.class)
@Timeout(90)
class NodeHostAbiTest {
    @TempDir
    Path dir;

    private static byte[] sdkExample(String name) throws IOException {
        return Files.readAllBytes(Guests.dir().resolve("../../host-abi/guest/out").normalize().resolve(name + ".wasm"));
    }

    @Test
    void greeterCallsUpperAndItsKvSurvivesANodeRestart() throws IOException {
        String manifest = "capabilities = [\"kv:greeter\", \"call:upper\"]\n";
        try (TestNode t = TestNode.start(dir)) {
            assertEquals(201, t.deploy("upper", sdkExample("upper")).status());
            assertEquals(201, t.deploy("greeter", sdkExample("greeter_c"), "m.toml", manifest).status());
            RawHttp.Response r = t.invoke("greeter", "alice");
            assertEquals(200, r.status(), r.body());
            assertEquals("Hello, ALICE! (visit 1)", r.body());
        }
        assertTrue(Files.isDirectory(dir.resolve("kv").resolve("greeter")));
        try (TestNode t = TestNode.start(dir)) {
            RawHttp.Response r = t.invoke("greeter", "alice");
            assertEquals(200, r.status(), r.body());
            assertEquals("Hello, ALICE! (visit 2)", r.body());
        }
    }

    @Test
    void aCalleesLogGoesToItsOwnLogRing() {
        try (TestNode t = TestNode.start(dir)) {
            assertEquals(201, t.deploy("callee", Guests.bytes("abi_probe.wasm")).status());
            assertEquals(201, t.deploy("caller", Guests.bytes("abi_probe.wasm"), "m.toml",
                    "capabilities = [\"call:callee\"]\n").status());
            RawHttp.Response r = t.invoke("caller", "call callee log 1 written by the callee");
            assertEquals(200, r.status(), r.body());
            assertEquals("ok:0", r.body());
            RawHttp.Response logs = t.get("/v1/functions/callee/logs", t.admin());
            assertEquals(200, logs.status());
            assertTrue(logs.body().contains("[INFO] written by the callee"), logs.body());
            // a denied call is in the caller's log
            t.invoke("caller", "call someone echo x");
            RawHttp.Response callerLogs = t.get("/v1/functions/caller/logs", t.admin());
            assertTrue(callerLogs.body().contains("ubiq:v1.call denied: calling function 'someone'"), callerLogs.body());
        }
    }

    @Test
    void theNodesKvCapIsConfigurableAndStillPersistent() {
        var abi = dev.ubiq.runtime.hostcalls.HostAbiConfig.builder().withKvMaxBytes(5_000).build();
        String manifest = "capabilities = [\"kv:s\"]\n";
        try (TestNode t = TestNode.start(dir, b -> b.withHostAbi(abi))) {
            assertEquals(201, t.deploy("p", Guests.bytes("abi_probe.wasm"), "m.toml", manifest).status());
            assertEquals("0", t.invoke("p", "kvputn s a 3000").body());
            assertEquals("-3", t.invoke("p", "kvputn s b 3000").body());
        }
        try (TestNode t = TestNode.start(dir, b -> b.withHostAbi(abi))) {
            assertEquals(3000, t.invoke("p", "kvget s a").body().length());
            // the reloaded entry counts against the cap
            assertEquals("-3", t.invoke("p", "kvputn s b 3000").body());
        }
    }
}
