package dev.ubiq.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code bin/ubiq} as a real process: launcher script, class path, stdin/stdout wiring, exit code.
 * Runs in Maven's integration-test phase (failsafe), after {@code package} has laid out the jars
 * that {@code bin/ubiq} starts.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LauncherIT {

    @Test
    void binUbiqRunsHelloAsAProcess() throws IOException, InterruptedException {
        Path root = UbiqCliTest.ROOT;
        assertTrue(Files.isDirectory(root.resolve("tools/target/lib")), "package must have run");
        Process p = new ProcessBuilder(root.resolve("bin/ubiq").toString(), "run",
                UbiqCliTest.guest("hello")).start();
        try (OutputStream stdin = p.getOutputStream()) {
            stdin.write("from a pipe".getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), err);
        assertEquals("hello from wasm\necho: from a pipe", out);
        assertEquals("", err, "nothing on stderr, JVM warnings included");
    }

    @Test
    void binUbiqReportsATimeoutWithOneLineAndExitCode124() throws IOException, InterruptedException {
        Path root = UbiqCliTest.ROOT;
        Process p = new ProcessBuilder(root.resolve("bin/ubiq").toString(), "run", "--timeout-ms", "200",
                UbiqCliTest.guest("spin")).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(124, p.exitValue(), err);
        assertEquals("", out);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("ubiq: error: ") && err.contains("deadline of 200 ms"), err);
    }
}
