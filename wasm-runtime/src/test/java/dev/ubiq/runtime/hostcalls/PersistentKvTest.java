package dev.ubiq.runtime.hostcalls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ubiq.abi.AbiError;
import dev.ubiq.runtime.Guests;
import dev.ubiq.runtime.Manifest;
import dev.ubiq.runtime.Request;
import dev.ubiq.runtime.UbiqRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The file-backed KV store: survives a restart, skips damaged entries, reports a failing disk as a code. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PersistentKvTest {
    @TempDir
    Path dir;

    private UbiqRuntime start(Path kvDir, List<String> warnings) throws IOException {
        UbiqRuntime rt = UbiqRuntime.builder()
                .withHostAbi(HostAbiConfig.builder().withKvBackend(new FileKvBackend(kvDir)).build())
                .withLogSink(warnings::add)
                .build();
        rt.deploy(Guests.bytes("abi_probe"), Manifest.builder("p").withCapability("kv:state").build());
        return rt;
    }

    private static String run(UbiqRuntime rt, String cmd) {
        return rt.invoke("p", Request.of(cmd)).outputAsString();
    }

    @Test
    void valuesSurviveARestartOfTheRuntime() throws IOException {
        Path kv = dir.resolve("kv");
        List<String> warnings = new ArrayList<>();
        try (UbiqRuntime rt = start(kv, warnings)) {
            assertEquals("0", run(rt, "kvput state a one"));
            assertEquals("0", run(rt, "kvput state b two"));
            assertEquals("0", run(rt, "kvput state a uno"));
            assertEquals("0", run(rt, "kvdel state b"));
        }
        try (UbiqRuntime rt = start(kv, warnings)) {
            assertEquals("uno", run(rt, "kvget state a"));
            assertEquals("err:" + AbiError.NOT_FOUND.code(), run(rt, "kvget state b"));
            assertEquals("a", run(rt, "kvlist state "));
        }
        assertEquals(List.of(), warnings);
        // no temporary files are left behind
        try (Stream<Path> files = Files.walk(kv)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().startsWith(".tmp-")));
        }
    }

    @Test
    void aCorruptedEntryIsSkippedWithAWarningAndTheOthersLoad() throws IOException {
        Path kv = dir.resolve("kv");
        try (UbiqRuntime rt = start(kv, new ArrayList<>())) {
            run(rt, "kvput state good fine");
            run(rt, "kvput state bad doomed");
        }
        // flip a byte in the value of one entry, truncate nothing else
        Path victim = null;
        try (Stream<Path> files = Files.list(kv.resolve("state"))) {
            for (Path f : files.toList()) {
                if (new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1).contains("doomed")) {
                    victim = f;
                }
            }
        }
        byte[] b = Files.readAllBytes(victim);
        b[b.length - 6] ^= 0x55;
        Files.write(victim, b);
        Files.writeString(kv.resolve("state").resolve(".tmp-123.kv"), "half written");
        List<String> warnings = new ArrayList<>();
        try (UbiqRuntime rt = start(kv, warnings)) {
            assertEquals("fine", run(rt, "kvget state good"));
            assertEquals("err:" + AbiError.NOT_FOUND.code(), run(rt, "kvget state bad"));
        }
        assertEquals(1, warnings.size(), warnings.toString());
        assertTrue(warnings.get(0).contains("checksum mismatch"), warnings.get(0));
        assertTrue(Files.notExists(kv.resolve("state").resolve(".tmp-123.kv")));
    }

    @Test
    void aFailingBackendIsUnavailableAndMemoryStaysConsistent() throws IOException {
        Path kv = dir.resolve("kv");
        List<String> warnings = new ArrayList<>();
        try (UbiqRuntime rt = start(kv, warnings)) {
            assertEquals("0", run(rt, "kvput state a one"));
            // the namespace directory becomes a file: every write fails
            Path ns = kv.resolve("state");
            try (Stream<Path> files = Files.list(ns)) {
                for (Path f : files.toList()) {
                    Files.delete(f);
                }
            }
            Files.delete(ns);
            Files.writeString(ns, "not a directory");
            assertEquals(Integer.toString(AbiError.UNAVAILABLE.code()), run(rt, "kvput state a two"));
            assertEquals("one", run(rt, "kvget state a"));
        }
    }

    @Test
    void entryFormatRoundTrips() throws IOException {
        byte[] key = {0, 1, (byte) 0xFF};
        byte[] value = new byte[1000];
        value[999] = 7;
        byte[][] kv = FileKvBackend.decode(FileKvBackend.encode(key, value));
        assertArrayEquals(key, kv[0]);
        assertArrayEquals(value, kv[1]);
    }
}
