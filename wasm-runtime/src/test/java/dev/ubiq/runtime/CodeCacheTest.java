package dev.ubiq.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ubiq.runtime.engine.ExecutionMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodeCacheTest {

    private static List<Path> cacheFiles(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> p.toString().endsWith(".ubqc")).toList();
        }
    }

    @Test
    void restartLoadsCompiledCodeFromDisk(@TempDir Path dir) throws Exception {
        List<String> log = new ArrayList<>();
        try (var rt = UbiqRuntime.builder().withCodeCacheDir(dir).withLogSink(log::add).build()) {
            var f = rt.deploy("fib", Guests.bytes("fib"));
            assertFalse(f.compileCached());
            assertEquals(ExecutionMode.COMPILED, f.mode());
        }
        assertEquals(1, cacheFiles(dir).size());
        try (var rt = UbiqRuntime.builder().withCodeCacheDir(dir).build()) {
            var f = rt.deploy("fib", Guests.bytes("fib"));
            assertTrue(f.compileCached(), "second runtime must not recompile");
            assertEquals(new dev.ubiq.runtime.engine.EngineStats(0, 1, 0), rt.engine().stats());
            assertEquals("55", rt.invoke("fib", Request.of("10")).outputAsString());
        }
    }

    @Test
    void fallbackFunctionsSurviveTheCache(@TempDir Path dir) {
        for (int run = 0; run < 2; run++) {
            try (var rt = UbiqRuntime.builder().withCodeCacheDir(dir).build()) {
                var f = rt.deploy(Guests.bytes("huge_function"), Manifest.builder("huge")
                        .withShape(dev.ubiq.abi.FunctionShape.REACTOR).withTimeoutMs(100).build());
                assertEquals(run == 1, f.compileCached());
                assertEquals(ExecutionMode.COMPILED_WITH_FALLBACK, f.mode());
                assertEquals(Outcome.TIMEOUT, rt.invoke("huge", Request.of("x")).outcome());
            }
        }
    }

    @Test
    void corruptEntryIsDiscardedAndRecompiled(@TempDir Path dir) throws Exception {
        try (var rt = UbiqRuntime.builder().withCodeCacheDir(dir).build()) {
            rt.deploy("fib", Guests.bytes("fib"));
        }
        Path entry = cacheFiles(dir).get(0);
        byte[] b = Files.readAllBytes(entry);
        b[b.length / 2] ^= 0x5A;
        Files.write(entry, b);
        try (var rt = UbiqRuntime.builder().withCodeCacheDir(dir).build()) {
            var f = rt.deploy("fib", Guests.bytes("fib"));
            assertFalse(f.compileCached(), "a corrupt entry must not be used");
            assertEquals("55", rt.invoke("fib", Request.of("10")).outputAsString());
        }
        // truncated to nothing: same
        Files.write(cacheFiles(dir).get(0), new byte[3]);
        try (var rt = UbiqRuntime.builder().withCodeCacheDir(dir).build()) {
            assertFalse(rt.deploy("fib", Guests.bytes("fib")).compileCached());
        }
    }

    @Test
    void unwritableCacheIsReportedButDeployStillWorks(@TempDir Path dir) throws Exception {
        Path notADir = dir.resolve("file");
        Files.writeString(notADir, "x");
        List<String> log = new ArrayList<>();
        try (var rt = UbiqRuntime.builder().withCodeCacheDir(notADir).withLogSink(log::add).build()) {
            rt.deploy("fib", Guests.bytes("fib"));
            assertEquals("55", rt.invoke("fib", Request.of("10")).outputAsString());
        }
        assertTrue(log.stream().anyMatch(l -> l.contains("could not write code cache")), log.toString());
    }
}
