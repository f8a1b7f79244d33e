package dev.ubiq.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code bin/ubiq} as a real process: launcher script, class path, stdin/stdout wiring, exit code.
 * Tests run before {@code package}, so this needs the jars of an earlier {@code mvn package}.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class LauncherTest {

    @Test
    void binUbiqRunsHelloAsAProcess() throws IOException, InterruptedException {
        Path root = UbiqCliTest.ROOT;
        Assumptions.assumeTrue(Files.isDirectory(root.resolve("tools/target/lib")),
                "tools/target/lib is missing: bin/ubiq needs the jars of a previous 'mvn package'");
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
}
