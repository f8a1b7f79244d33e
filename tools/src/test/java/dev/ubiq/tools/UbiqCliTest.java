package dev.ubiq.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code ubiq run} and {@code ubiq inspect} end to end, in process through {@link UbiqCli#execute}
 * with the Wasm programs of {@code guests/out}: stdin, stdout, stderr and the exit code are what a
 * shell would see.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class UbiqCliTest {
    static final Path ROOT = Path.of(System.getProperty("ubiq.root", "..")).toAbsolutePath().normalize();
    static final Path GUESTS = ROOT.resolve("guests/out");

    /** What one command line left behind. */
    record Run(int code, String out, String err) {
        List<String> errLines() {
            return err.lines().toList();
        }

        /** The last stderr line: where {@code ubiq: error: ...} goes, after any guest log. */
        String errorLine() {
            List<String> l = errLines();
            return l.isEmpty() ? "" : l.getLast();
        }
    }

    static Run ubiq(String stdin, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = UbiqCli.execute(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static String guest(String name) {
        return GUESTS.resolve(name + ".wasm").toString();
    }

    @Test
    void runEchoesStdinAndExitsZero() {
        Run r = ubiq("hi there", "run", guest("hello"));
        assertEquals(0, r.code(), r.err());
        assertEquals("hello from wasm\necho: hi there", r.out());
        assertEquals("", r.err());
    }

    @Test
    void runGivesAnEmptyStdinWhenNothingIsPiped() {
        Run r = ubiq("", "run", guest("hello"));
        assertEquals(0, r.code(), r.err());
        assertEquals("hello from wasm\n", r.out());
    }

    @Test
    void runInInterpreterModeGivesTheSameOutput() {
        Run r = ubiq("x", "run", "--interpreter", guest("hello"));
        assertEquals(0, r.code(), r.err());
        assertEquals("hello from wasm\necho: x", r.out());
    }

    @Test
    void runPassesArgsAndEnvAndLeavesGuestOptionsAlone() {
        Run r = ubiq("", "run", "--env", "UBIQ_TEST=a=b", guest("env_args"), "one", "--env", "-x", "@file");
        assertEquals(0, r.code(), r.err());
        assertEquals("""
                arg[0]=env_args
                arg[1]=one
                arg[2]=--env
                arg[3]=-x
                arg[4]=@file
                UBIQ_TEST=a=b
                REQUEST_METHOD=(unset)
                """, r.out());
    }

    @Test
    void runPassesTheGuestExitCodeThrough() {
        Run r = ubiq("", "run", guest("exit_code"), "7");
        assertEquals(7, r.code());
        assertEquals("bye\n", r.err(), "the guest's log, and no error line: a non-zero exit is not a failure of ubiq");
    }

    @Test
    void runPreopensADirectoryAndTheGuestCannotEscapeIt(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("in.txt"), "make me loud");
        Run r = ubiq("", "run", "--dir", dir + "::/data", guest("files"));
        assertEquals(0, r.code(), r.err());
        assertEquals("ok\nescape denied\n", r.out());
        assertEquals("MAKE ME LOUD", Files.readString(dir.resolve("out.txt")));
    }

    @Test
    void runRejectsAMissingHostDirectoryAsUsageError(@TempDir Path dir) {
        Run r = ubiq("", "run", "--dir", dir.resolve("missing") + "::/data", guest("files"));
        assertEquals(ExitCodes.USAGE, r.code());
        assertOneErrorLine(r, "not an existing directory");
    }

    @Test
    void runRejectsARelativeGuestPath() {
        Run r = ubiq("", "run", "--dir", "data", guest("files"));
        assertEquals(ExitCodes.USAGE, r.code());
        assertOneErrorLine(r, "must be absolute");
    }

    @Test
    void runStopsAGuestAtItsDeadlineWithExitCode124() {
        Run r = ubiq("", "run", "--timeout-ms", "200", guest("spin"));
        assertEquals(ExitCodes.TIMEOUT, r.code());
        assertOneErrorLine(r, "deadline of 200 ms");
    }

    @Test
    void runStopsAGuestAtItsMemoryLimitWithExitCode125() {
        Run r = ubiq("", "run", "--max-memory-mb", "16", guest("memhog"), "64");
        assertEquals(ExitCodes.MEMORY_LIMIT, r.code(), r.err());
        assertTrue(r.errorLine().startsWith("ubiq: error: ") && r.errorLine().contains("memory limit of 16777216 bytes"),
                r.err());
    }

    @Test
    void runGivesAGuestItsMemoryUpToTheLimit() {
        Run r = ubiq("", "run", "--max-memory-mb", "64", guest("memhog"), "16");
        assertEquals(0, r.code(), r.err());
        assertEquals("allocated 16 MiB\n", r.out());
    }

    @Test
    void runReportsATrapWithExitCode134() {
        Run r = ubiq("", "run", guest("trap"));
        assertEquals(ExitCodes.TRAP, r.code());
        assertTrue(r.errorLine().startsWith("ubiq: error: ") && r.errorLine().contains("trapped"), r.err());
    }

    @ParameterizedTest
    @ValueSource(strings = {"unknown_import", "start_trap"})
    void runRefusesAModuleThatCannotBeInstantiated(String name) {
        Run r = ubiq("", "run", guest(name));
        assertEquals(ExitCodes.BAD_MODULE, r.code());
        assertOneErrorLine(r, name.equals("start_trap") ? "instantiate" : "unknown import");
    }

    @Test
    void runRefusesGarbageBytes(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("garbage.wasm");
        Files.write(f, "this is not wasm at all, just text".getBytes(StandardCharsets.UTF_8));
        Run r = ubiq("", "run", f.toString());
        assertEquals(ExitCodes.BAD_MODULE, r.code());
        assertOneErrorLine(r, "not a WebAssembly binary");
    }

    @Test
    void runRefusesAnEmptyFile(@TempDir Path dir) throws IOException {
        Path f = Files.createFile(dir.resolve("empty.wasm"));
        Run r = ubiq("", "run", f.toString());
        assertEquals(ExitCodes.BAD_MODULE, r.code());
        assertOneErrorLine(r, "empty");
    }

    @Test
    void runRefusesATruncatedModule(@TempDir Path dir) throws IOException {
        byte[] hello = Files.readAllBytes(GUESTS.resolve("hello.wasm"));
        Path f = dir.resolve("cut.wasm");
        Files.write(f, java.util.Arrays.copyOf(hello, hello.length / 2));
        Run r = ubiq("", "run", f.toString());
        assertEquals(ExitCodes.BAD_MODULE, r.code());
        assertOneErrorLine(r, "malformed");
    }

    @Test
    void runOfAMissingFileIsAUsageError() {
        Run r = ubiq("", "run", ROOT.resolve("no/such/module.wasm").toString());
        assertEquals(ExitCodes.USAGE, r.code());
        assertOneErrorLine(r, "does not exist");
    }

    @Test
    void badFlagsAreUsageErrors() {
        assertEquals(ExitCodes.USAGE, ubiq("", "run", "--no-such-flag", guest("hello")).code());
        assertEquals(ExitCodes.USAGE, ubiq("", "run").code());
        assertEquals(ExitCodes.USAGE, ubiq("", "run", "--timeout-ms", "soon", guest("hello")).code());
        Run r = ubiq("", "run", "--max-memory-mb", "5000", guest("hello"));
        assertEquals(ExitCodes.USAGE, r.code());
        assertOneErrorLine(r, "--max-memory-mb 5000 is out of range [1, 4096]");
        assertEquals(ExitCodes.USAGE, ubiq("", "frobnicate").code());
    }

    @Test
    void runOfAReactorWritesItsResponse() {
        Run r = ubiq("{\"a\":1}", "run", guest("echo_reactor"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("{\"a\":1}"), r.out());
    }

    @Test
    void runHelpDocumentsTheExitCodes() {
        Run r = ubiq("", "run", "--help");
        assertEquals(0, r.code());
        for (String code : List.of("124", "125", "126", "134")) {
            assertTrue(r.out().contains(code), "exit code " + code + " in:\n" + r.out());
        }
    }

    @Test
    void versionNamesUbiqAndChicory() {
        Run r = ubiq("", "--version");
        assertEquals(0, r.code());
        assertTrue(r.out().startsWith("ubiq ") && r.out().contains("chicory "), r.out());
    }

    @Test
    void inspectListsTheReactorExports() {
        Run r = ubiq("", "inspect", guest("trivial_reactor"));
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("shape    reactor"), r.out());
        for (String export : List.of("ubiq_handle", "ubiq_alloc", "memory")) {
            assertTrue(r.out().lines().anyMatch(l -> l.startsWith("  " + export + " ")), export + " in:\n" + r.out());
        }
        assertTrue(r.out().contains("(i32, i32) -> (i64)"), r.out());
    }

    @Test
    void inspectPrintsJson() throws IOException {
        Run r = ubiq("", "inspect", "--output", "json", guest("hello"));
        assertEquals(0, r.code(), r.err());
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertEquals("wasi-command", json.get("shape").asText());
        assertEquals(64, json.get("sha256").asText().length());
        List<String> imports = new ArrayList<>();
        json.get("imports").forEach(i -> imports.add(i.get("module").asText()));
        assertTrue(imports.contains("wasi_snapshot_preview1"), imports.toString());
        assertTrue(json.get("memory").get("initial_pages").asInt() > 0);
    }

    /** A real snapshot file: snap_reactor v1 after its setup, written by a runtime's file store. */
    static Path snapshotFile(Path dataDir) throws IOException {
        try (var rt = dev.ubiq.runtime.UbiqRuntime.builder()
                .withSnapshotStore(new dev.ubiq.snapshot.FileSnapshotStore(dataDir, line -> {})).build()) {
            rt.deploy(Files.readAllBytes(Path.of(guest("snap_reactor"))),
                    dev.ubiq.runtime.Manifest.builder("snap").withInit("setup").build());
        }
        return dataDir.resolve("snapshots/snap/v1.snapshot");
    }

    @Test
    void snapshotInspectPrintsWhatTheSnapshotHolds(@TempDir Path dir) throws IOException {
        Path f = snapshotFile(dir);
        Run r = ubiq("", "snapshot", "inspect", f.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("checksums ok"), r.out());
        assertTrue(r.out().contains("function   snap v1"), r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.matches("memory     \\d+ pages \\(\\d+ bytes\\), \\d+ non-zero 4 KiB chunks stored.*")), r.out());
        assertTrue(r.out().contains("  [0] i32 = "), "the stack pointer global: " + r.out());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("tables     1")), r.out());
    }

    @Test
    void snapshotInspectOfACorruptedFileFailsWith126(@TempDir Path dir) throws IOException {
        Path f = snapshotFile(dir);
        byte[] b = Files.readAllBytes(f);
        b[b.length - 10] ^= 1;
        Files.write(f, b);
        Run r = ubiq("", "snapshot", "inspect", f.toString());
        assertEquals(126, r.code(), r.out());
        assertTrue(r.errorLine().contains("section MEMO: checksum mismatch"), r.err());
        Run missing = ubiq("", "snapshot", "inspect", dir.resolve("nope.snapshot").toString());
        assertEquals(2, missing.code());
        assertTrue(missing.errorLine().contains("no such file"), missing.err());
    }

    @Test
    void inspectOfGarbageFailsWith126(@TempDir Path dir) throws IOException {
        Path f = dir.resolve("junk.wasm");
        Files.write(f, new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0, (byte) 0xff, 0x7f});
        Run r = ubiq("", "inspect", f.toString());
        assertEquals(ExitCodes.BAD_MODULE, r.code());
        assertOneErrorLine(r, "junk.wasm");
        assertEquals("", r.out());
    }

    @Test
    void functionNamesAreDerivedFromTheFileName() {
        assertEquals("hello", RunCommand.functionName(Path.of("/x/hello.wasm")));
        assertEquals("my-fn-v2", RunCommand.functionName(Path.of("my fn.v2.wasm")));
        assertEquals("x", RunCommand.functionName(Path.of("__x.wasm")));
        assertEquals("main", RunCommand.functionName(Path.of(".wasm")));
        assertEquals(64, RunCommand.functionName(Path.of("a".repeat(100) + ".wasm")).length());
    }

    static void assertOneErrorLine(Run r, String expected) {
        assertEquals(1, r.errLines().size(), "one line on stderr, got:\n" + r.err());
        String line = r.errLines().getFirst();
        assertTrue(line.startsWith("ubiq: error: "), line);
        assertTrue(line.contains(expected), "'" + expected + "' in: " + line);
        assertFalse(line.contains("Exception"), line);
    }
}
