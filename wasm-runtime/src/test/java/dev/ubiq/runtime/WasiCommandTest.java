package dev.ubiq.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WasiCommandTest {

    @ParameterizedTest(name = "interpreter={0}")
    @ValueSource(booleans = {false, true})
    void stdinToStdout(boolean interpreter) {
        try (var rt = UbiqRuntime.builder().withInterpreterOnly(interpreter).build()) {
            rt.deploy("hello", Guests.bytes("hello"));
            var r = rt.invoke("hello", Request.of("abc"));
            assertEquals(Outcome.OK, r.outcome(), r.message());
            assertEquals("hello from wasm\necho: abc", r.outputAsString().stripTrailing());
            assertEquals(0, r.exitCode());
        }
    }

    @Test
    void argsAndEnvFromManifestAndRequest() {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy(Guests.bytes("env_args"), Manifest.builder("env").withArgs(List.of("one"))
                    .withEnv("UBIQ_TEST", "from-manifest").build());
            var r = rt.invoke("env", new Request(new byte[0], List.of("two"), Map.of("REQUEST_METHOD", "POST")));
            String out = r.outputAsString();
            assertTrue(out.contains("arg[0]=env\narg[1]=one\narg[2]=two\n"), out);
            assertTrue(out.contains("UBIQ_TEST=from-manifest"), out);
            assertTrue(out.contains("REQUEST_METHOD=POST"), out);
            var plain = rt.invoke("env", Request.empty()).outputAsString();
            assertTrue(plain.contains("REQUEST_METHOD=(unset)"), "request env does not leak: " + plain);
        }
    }

    @Test
    void nonZeroExitIsGuestErrorWithLog() {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy(Guests.bytes("exit_code"), Manifest.builder("exit").withArgs(List.of("7")).build());
            var r = rt.invoke("exit", Request.empty());
            assertEquals(Outcome.GUEST_ERROR, r.outcome());
            assertEquals(7, r.exitCode());
            assertEquals("bye\n", r.logAsString());
            assertTrue(r.message().contains("exited with code 7"));
        }
    }

    @Test
    void trapIsReportedAndNodeStaysUsable() {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy("trap", Guests.bytes("trap"));
            rt.deploy("hello", Guests.bytes("hello"));
            var r = rt.invoke("trap", Request.empty());
            assertEquals(Outcome.TRAP, r.outcome());
            assertTrue(r.message().contains("trapped"), r.message());
            assertTrue(r.logAsString().contains("about to trap"));
            assertEquals(Outcome.OK, rt.invoke("hello", Request.empty()).outcome());
        }
    }

    @Test
    void outputWrittenBeforeATrapIsKept() {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy("partial", Guests.bytes("partial_then_trap"));
            var r = rt.invoke("partial", Request.empty());
            assertEquals(Outcome.TRAP, r.outcome());
            assertEquals("partial output\n", r.outputAsString());
            assertEquals(-1, r.exitCode(), "a trapped command never exited");
        }
    }

    @Test
    void preopenedDirectoryReadWriteAndEscapeDenied(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("in.txt"), "shout\n");
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy(Guests.bytes("files"), Manifest.builder("files").withDir("/data", dir.toString()).build());
            var r = rt.invoke("files", Request.empty());
            assertEquals(Outcome.OK, r.outcome(), r.message() + r.logAsString());
            assertEquals("SHOUT\n", Files.readString(dir.resolve("out.txt")));
            assertTrue(r.outputAsString().contains("escape denied"), r.outputAsString());
            assertFalse(r.outputAsString().contains("ESCAPED"));
        }
    }

    @Test
    void withoutPreopenFilesAreUnreachable() {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy("files", Guests.bytes("files"));
            var r = rt.invoke("files", Request.empty());
            assertEquals(Outcome.GUEST_ERROR, r.outcome());
            assertEquals(1, r.exitCode());
        }
    }

    @Test
    void rustProgramRunsUnchanged() {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy(Guests.bytes("hello_rust"), Manifest.builder("rust").withEnv("UBIQ_TEST", "x").build());
            var r = rt.invoke("rust", Request.of("12345"));
            assertEquals(Outcome.OK, r.outcome(), r.message() + r.logAsString());
            assertTrue(r.outputAsString().contains("hello from rust"), r.outputAsString());
            assertTrue(r.outputAsString().contains("stdin bytes: 5"), r.outputAsString());
        }
    }

    @Test
    void goProgramRunsUnchanged() {
        // Go's wasip1 port: a 2.4 MB module with its own runtime and scheduler
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy(Guests.bytes("hello_go"), Manifest.builder("go").withEnv("UBIQ_TEST", "yes")
                    .withTimeoutMs(30_000).build());
            var r = rt.invoke("go", Request.of("abc"));
            assertEquals(Outcome.OK, r.outcome(), r.message() + r.logAsString());
            assertEquals("hello from go, 3 bytes in, UBIQ_TEST=yes\n", r.outputAsString());
            var fail = rt.invoke("go", new Request(new byte[0], List.of("fail"), Map.of()));
            assertEquals(Outcome.GUEST_ERROR, fail.outcome());
            assertEquals(3, fail.exitCode());
        }
    }
}
