package dev.ubiq.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The data directory across restarts: restore, damaged entries, pruning, delete. */
@ExtendWith(NettyLeakCheck.class)
@Timeout(90)
class NodePersistenceTest {
    @TempDir
    Path dir;

    static List<String> files(Path d) throws IOException {
        if (!Files.exists(d)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(d)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void restartBringsBackFunctionsWithTheirVersionsAndRoutes() {
        try (TestNode t = TestNode.start(dir)) {
            t.deploy("hello", Guests.bytes("hello.wasm"));
            t.deploy("hello", Guests.bytes("hello.wasm"));
            assertEquals(201, t.deploy("env", Guests.bytes("env_args.wasm"), "m.toml", "route = \"/env\"\n").status());
        }
        try (TestNode t = TestNode.start(dir)) {
            var list = TestNode.json(t.get("/v1/functions", t.admin())).get("functions");
            assertEquals(2, list.size());
            RawHttp.Response r = t.invoke("hello", "back");
            assertEquals(200, r.status(), r.body());
            assertEquals("hello from wasm\necho: back", r.body());
            assertEquals("2", r.header("Ubiq-Version"));
            RawHttp.Response route = t.get("/env", t.invoker());
            assertEquals(200, route.status(), route.body());
            assertTrue(route.body().contains("REQUEST_METHOD=GET"));
            // numbering continues above the restored version
            assertEquals(3, TestNode.json(t.deploy("hello", Guests.bytes("hello.wasm"))).get("version").asInt());
        }
    }

    @Test
    void damagedEntriesAreLoggedAndSkippedWithoutBreakingTheOthers() throws IOException {
        try (TestNode t = TestNode.start(dir)) {
            for (String n : new String[] {"badpointer", "nofile", "junk", "fine"}) {
                assertEquals(201, t.deploy(n, Guests.bytes("hello.wasm")).status());
            }
            // three stored versions: a redeploy must not take a number below them (pruning keeps the highest)
            t.deploy("badpointer", Guests.bytes("hello.wasm"));
            t.deploy("badpointer", Guests.bytes("hello.wasm"));
        }
        Path fns = dir.resolve("functions");
        Files.writeString(fns.resolve("badpointer/current"), "garbage\n");
        Files.delete(fns.resolve("nofile/v1.wasm"));
        Files.writeString(fns.resolve("junk/v1.wasm"), "this is not wasm");
        try (TestNode t = TestNode.start(dir)) {
            String log = t.logText();
            assertTrue(log.contains("function 'badpointer'") && log.contains("cannot be loaded"), log);
            assertTrue(log.contains("function 'nofile'") && log.contains("v1.wasm"), log);
            assertTrue(log.contains("could not restore function 'junk' version 1"), log);
            assertEquals(200, t.invoke("fine", "").status());
            var list = TestNode.json(t.get("/v1/functions", t.admin())).get("functions");
            assertEquals(1, list.size(), list.toString());
            assertEquals(404, t.invoke("badpointer", "").status());
            // redeploying a skipped name gives a version above what is on disk, and it survives a restart
            RawHttp.Response re = t.deploy("badpointer", Guests.bytes("trivial_reactor.wasm"));
            assertEquals(201, re.status(), re.body());
            assertEquals(4, TestNode.json(re).get("version").asInt(), re.body());
            assertEquals("4", Files.readString(fns.resolve("badpointer/current")).strip());
            assertTrue(Files.exists(fns.resolve("badpointer/v4.wasm")));
        }
        try (TestNode t = TestNode.start(dir)) {
            RawHttp.Response r = t.invoke("badpointer", "ping");
            assertEquals(200, r.status(), r.body() + "\n" + t.logText());
            assertEquals("ping", r.body());
        }
    }

    @Test
    void aFunctionDirectoryWithoutCurrentIsRemovedAndLogged() throws IOException {
        try (TestNode t = TestNode.start(dir)) {
            t.deploy("half", Guests.bytes("hello.wasm"));
            t.deploy("whole", Guests.bytes("hello.wasm"));
        }
        // what a first deploy killed before its pointer was written leaves behind
        Files.delete(dir.resolve("functions/half/current"));
        Files.writeString(dir.resolve("functions/whole/.v2.wasm12345.tmp"), "partial");
        try (TestNode t = TestNode.start(dir)) {
            assertFalse(Files.exists(dir.resolve("functions/half")));
            assertTrue(t.logText().contains("'half'"), t.logText());
            assertEquals(List.of("current", "v1.manifest.json", "v1.wasm"), files(dir.resolve("functions/whole")));
            assertEquals(200, t.invoke("whole", "").status());
        }
    }

    @Test
    void onlyTheLastThreeVersionsStayOnDisk() throws IOException {
        try (TestNode t = TestNode.start(dir)) {
            for (int i = 1; i <= 5; i++) {
                assertEquals(i, TestNode.json(t.deploy("v", Guests.bytes("hello.wasm"))).get("version").asInt());
            }
            Path d = dir.resolve("functions/v");
            assertEquals(List.of("current", "v3.manifest.json", "v3.wasm", "v4.manifest.json", "v4.wasm",
                    "v5.manifest.json", "v5.wasm"), files(d));
            assertEquals("5", Files.readString(d.resolve("current")).strip());
            assertEquals("[3,4,5]", TestNode.json(t.get("/v1/functions/v", t.admin())).get("stored_versions").toString());
        }
    }

    @Test
    void deleteRemovesTheFilesAndItStaysDeletedAfterARestart() throws IOException {
        try (TestNode t = TestNode.start(dir)) {
            t.deploy("gone", Guests.bytes("hello.wasm"));
            t.deploy("kept", Guests.bytes("hello.wasm"));
            assertEquals(204, t.delete("/v1/functions/gone", t.admin()).status());
            assertEquals(List.of("kept"), files(dir.resolve("functions")));
        }
        try (TestNode t = TestNode.start(dir)) {
            assertEquals(404, t.invoke("gone", "").status());
            assertEquals(200, t.invoke("kept", "").status());
            assertEquals(1, TestNode.json(t.deploy("gone", Guests.bytes("hello.wasm"))).get("version").asInt());
        }
    }
}
