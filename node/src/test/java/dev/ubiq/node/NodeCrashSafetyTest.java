package dev.ubiq.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 during a deploy, in a real node process: after a restart the function is exactly the
 * old version or the new one, invocable, and the data dir holds nothing half-written.
 */
@ExtendWith(NettyLeakCheck.class)
class NodeCrashSafetyTest {
    @TempDir
    Path dir;

    /** A node in a child JVM on the test class path. */
    static final class Child implements AutoCloseable {
        final Process process;
        final int port;

        Child(Path dataDir, Path stderr) throws IOException, InterruptedException {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            ProcessBuilder pb = new ProcessBuilder(java, "-Xss4m", "-cp", System.getProperty("java.class.path"),
                    "dev.ubiq.node.NodeMain", "--port", "0", "--data-dir", dataDir.toString());
            pb.redirectError(ProcessBuilder.Redirect.appendTo(stderr.toFile()));
            process = pb.start();
            BlockingQueue<String> lines = new LinkedBlockingQueue<>();
            Thread.ofVirtual().start(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String l; (l = r.readLine()) != null; ) {
                        lines.add(l);
                    }
                } catch (IOException ignored) {
                    // the process was killed
                }
            });
            String line = lines.poll(30, TimeUnit.SECONDS);
            if (line == null || !line.startsWith("listening on ")) {
                process.destroyForcibly();
                throw new AssertionError("node process did not start (got " + line + "); stderr:\n" + Files.readString(stderr));
            }
            port = Integer.parseInt(line.substring("listening on ".length()).strip());
        }

        void kill() throws InterruptedException {
            process.destroyForcibly();
            assertTrue(process.waitFor(10, TimeUnit.SECONDS));
        }

        @Override
        public void close() throws InterruptedException {
            kill();
        }
    }

    static RawHttp.Response call(int port, String method, String path, String token, byte[] body, String... headers)
            throws IOException {
        try (RawHttp c = new RawHttp(port, 60_000)) {
            List<String> h = new ArrayList<>(List.of(headers));
            h.add("Authorization: Bearer " + token);
            h.add("Connection: close");
            c.send(method, path, body, h.toArray(String[]::new));
            return c.read();
        }
    }

    @Test
    @Timeout(150)
    void killDuringADeployLeavesExactlyTheOldOrTheNewVersion() throws Exception {
        Path data = dir.resolve("data");
        Path stderr = dir.resolve("node-stderr.log");
        byte[] old = Guests.bytes("hello.wasm");
        byte[] go = Guests.bytes("hello_go.wasm");
        Map<String, String> outputBySha = new java.util.HashMap<>();
        outputBySha.put(Guests.sha256(old), "hello from wasm");
        String liveSha = Guests.sha256(old);
        // delays spread over a deploy of hello_go (compiling it takes over 10 s, so these land mid-compile);
        // -1: a small module, wait for its 201, then kill (a completed deploy must survive)
        long[] delaysMs = {100, 700, 2_000, 4_500, -1};
        Child node = new Child(data, stderr);
        try {
            String token = Files.readString(data.resolve("admin.token")).strip();
            RawHttp.Response first = call(node.port, "PUT", "/v1/functions/f", token, old, "Content-Type: application/wasm");
            assertEquals(201, first.status(), first.body());
            for (int i = 0; i < delaysMs.length; i++) {
                // a distinct module each time: no code-cache hit, so the kill lands while it compiles
                boolean complete = delaysMs[i] < 0;
                byte[] next = Guests.withCustomSection(complete ? old : go, "crash-test-" + i, 64);
                String nextSha = Guests.sha256(next);
                outputBySha.put(nextSha, complete ? "hello from wasm" : "hello from go");
                try (RawHttp c = new RawHttp(node.port, 60_000)) {
                    c.send("PUT", "/v1/functions/f", next, "Authorization: Bearer " + token, "Content-Type: application/wasm");
                    if (delaysMs[i] < 0) {
                        RawHttp.Response done = c.read();
                        assertEquals(201, done.status(), done.body());
                    } else {
                        Thread.sleep(delaysMs[i]);
                    }
                    node.kill();
                }
                node = new Child(data, stderr);
                RawHttp.Response d = call(node.port, "GET", "/v1/functions/f", token, new byte[0]);
                assertEquals(200, d.status(), "iteration " + i + ": " + d.body() + "\n" + Files.readString(stderr));
                String sha = TestNode.json(d).get("sha256").asText();
                assertTrue(sha.equals(liveSha) || sha.equals(nextSha),
                        "iteration " + i + ": live module " + sha + " is neither the old " + liveSha + " nor the new " + nextSha);
                if (delaysMs[i] < 0) {
                    assertEquals(nextSha, sha, "a deploy answered 201 must survive a kill");
                }
                RawHttp.Response inv = call(node.port, "POST", "/v1/functions/f/invoke", token, new byte[0]);
                assertEquals(200, inv.status(), "iteration " + i + ": " + inv.body());
                assertTrue(inv.body().startsWith(outputBySha.get(sha)), inv.body());
                Path fdir = data.resolve("functions/f");
                int current = Integer.parseInt(Files.readString(fdir.resolve("current")).strip());
                assertEquals(current, TestNode.json(d).get("version").asInt());
                for (String f : NodePersistenceTest.files(fdir)) {
                    assertFalse(f.endsWith(".tmp"), "temp file left after restart: " + f);
                    if (f.matches("v\\d+\\.wasm")) {
                        assertTrue(Integer.parseInt(f.substring(1, f.length() - 5)) <= current, "uncommitted version left: " + f);
                    }
                }
                liveSha = sha;
            }
        } finally {
            node.close();
        }
    }
}
