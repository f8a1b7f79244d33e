package dev.ubiq.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ubiq.abi.FunctionShape;
import dev.ubiq.runtime.UbiqException.InvalidManifestException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ManifestTest {

    @Test
    void parsesEveryFieldFromToml() {
        var m = Manifest.parseToml("""
                name = "thumb"
                shape = "reactor"
                max_memory_mb = 64
                timeout_ms = 2000
                max_concurrency = 8
                min_warm = 2
                idle_ttl_ms = 5000
                reuse_instances = false
                args = ["--fast"]
                capabilities = ["kv:thumbs", "call:*", "xpu"]
                [env]
                MODE = "prod"
                [dirs]
                "/data" = "/srv/thumbs"
                """);
        assertEquals("thumb", m.name());
        assertEquals(FunctionShape.REACTOR, m.shape());
        assertEquals(64L << 20, m.maxMemoryBytes());
        assertEquals(2000L, m.timeoutMs());
        assertEquals(8, m.maxConcurrency());
        assertEquals(2, m.minWarm());
        assertEquals(5000L, m.idleTtlMs());
        assertEquals(false, m.reuseInstances());
        assertEquals(List.of("--fast"), m.args());
        assertEquals(Map.of("MODE", "prod"), m.env());
        assertEquals(Map.of("/data", "/srv/thumbs"), m.dirs());
        assertEquals("[kv:thumbs, call:*, xpu]", m.capabilities().toString());
    }

    @Test
    void parsesJsonWithTheSameKeys() {
        var m = Manifest.parseJson("{\"name\":\"a\",\"shape\":\"wasi-command\",\"timeout_ms\":5,\"env\":{\"K\":\"V\"}}");
        assertEquals(FunctionShape.WASI_COMMAND, m.shape());
        assertEquals(5L, m.timeoutMs());
        assertEquals("V", m.env().get("K"));
        assertNull(m.maxMemoryBytes());
    }

    @Test
    void readsFilesByExtension(@TempDir Path dir) throws Exception {
        Path toml = dir.resolve("f.toml");
        Files.writeString(toml, "name = \"f\"\ntimeout_ms = 7\n");
        assertEquals(7L, Manifest.parse(toml).timeoutMs());
        Path json = dir.resolve("f.json");
        Files.writeString(json, "{\"timeout_ms\": 9}");
        assertEquals(9L, Manifest.parse(json).timeoutMs());
        var e = assertThrows(InvalidManifestException.class, () -> Manifest.parse(dir.resolve("missing.toml")));
        assertTrue(e.getMessage().contains("cannot read manifest"));
    }

    private static void rejects(String toml, String mustSay) {
        var e = assertThrows(InvalidManifestException.class, () -> Manifest.parseToml(toml));
        assertTrue(e.getMessage().contains(mustSay), "'" + mustSay + "' in: " + e.getMessage());
    }

    @Test
    void rejectsBadManifests() {
        rejects("timeout = 5", "unknown manifest field 'timeout'");
        rejects("timeout_ms = \"5\"", "field 'timeout_ms': expected an integer");
        rejects("timeout_ms = 0", "out of range");
        rejects("max_memory_mb = 5000", "out of range");
        rejects("max_concurrency = 1.5", "expected an integer");
        rejects("shape = \"daemon\"", "unknown shape 'daemon'");
        rejects("reuse_instances = \"yes\"", "expected true or false");
        rejects("args = \"a b\"", "expected a list of strings");
        rejects("args = [1]", "expected strings");
        rejects("[env]\nK = 1", "field 'env.K': expected a string");
        rejects("capabilities = [\"net\"]", "unknown capability 'net'");
        rejects("capabilities = [\"kv\"]", "needs a target");
        rejects("capabilities = [\"xpu:gpu0\"]", "takes no target");
        rejects("[dirs]\n\"data\" = \"/tmp\"", "must be absolute");
        rejects("name = \"bad name\"", "invalid function name");
        rejects("this is not toml", "not valid TOML");
        var e = assertThrows(InvalidManifestException.class, () -> Manifest.parseJson("[1,2]"));
        assertTrue(e.getMessage().contains("table/object"));
    }

    @Test
    void deployNameMustMatchManifestName() {
        var m = Manifest.parseToml("name = \"a\"");
        var e = assertThrows(InvalidManifestException.class, () -> m.withName("b"));
        assertTrue(e.getMessage().contains("'a'") && e.getMessage().contains("'b'"));
        assertEquals("c", Manifest.parseToml("timeout_ms = 1").withName("c").name());
    }

    @Test
    void deployRejectsReactorOnlyFieldsForCommandsAndMissingDirs(@TempDir Path dir) {
        try (var rt = UbiqRuntime.builder().build()) {
            var e = assertThrows(InvalidManifestException.class, () -> rt.deploy(Guests.bytes("hello"),
                    Manifest.builder("h").withMinWarm(2).build()));
            assertTrue(e.getMessage().contains("reactors only"));
            var d = assertThrows(InvalidManifestException.class, () -> rt.deploy(Guests.bytes("files"),
                    Manifest.builder("f").withDir("/data", dir.resolve("nope").toString()).build()));
            assertTrue(d.getMessage().contains("not an existing directory"));
            assertTrue(rt.functions().isEmpty());
        }
    }
}
