package dev.ubiq.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/ubiq serve} as a real process, run as the README's set-up shows it (with its own data
 * directory and {@code --port 0}): it prints the port it picked, serves the function given with
 * {@code --deploy} to curl-like clients and to {@code bin/ubiq invoke}, stops on SIGTERM, and a
 * restart with the same flags deploys nothing; and its AOT cache cycle (record, build in the
 * background, use). Only 127.0.0.1 is contacted.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ServeIT {
    private static final Pattern SERVING = Pattern.compile("^ubiq: serving http://127\\.0\\.0\\.1:(\\d+) \\(admin token in (.+)/admin\\.token, ");

    /** The README's set-up lines; this test runs them, with its own data directory and port. */
    static final String README_DATA_DIR = "/tmp/ubiq-demo";
    static final String README_SERVE = "bin/ubiq serve --data-dir " + README_DATA_DIR + " --deploy hello=guests/out/hello.wasm";
    static final String README_CURL = "curl -H \"Authorization: Bearer $(cat " + README_DATA_DIR
            + "/invoke.token)\" --data-binary 'edge box' http://127.0.0.1:8080/v1/functions/hello/invoke";
    static final String README_INVOKE = "bin/ubiq invoke hello --data 'edge box' --data-dir " + README_DATA_DIR;

    record Served(Process process, int port) {}

    private static Served serve(Path data, Path stderr) throws Exception {
        return serve(data, stderr, java.util.Map.of());
    }

    private static Served serve(Path data, Path stderr, java.util.Map<String, String> env) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(UbiqCliTest.ROOT.resolve("bin/ubiq").toString());
        for (String arg : README_SERVE.substring("bin/ubiq ".length()).split(" ")) {
            command.add(arg.replace(README_DATA_DIR, data.toString()));
        }
        command.addAll(List.of("--port", "0"));
        ProcessBuilder pb = new ProcessBuilder(command)
                .directory(UbiqCliTest.ROOT.toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(stderr.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        try {
            line = CompletableFuture.supplyAsync(() -> {
                try {
                    return out.readLine();
                } catch (IOException e) {
                    return null;
                }
            }).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            p.destroyForcibly();
            throw new AssertionError("no 'serving' line within 60 s; stderr: " + Files.readString(stderr), e);
        }
        Matcher m = SERVING.matcher(line == null ? "" : line);
        if (!m.find()) {
            p.destroyForcibly();
            throw new AssertionError("first stdout line: " + line + "; stderr: " + Files.readString(stderr));
        }
        assertEquals(data.toAbsolutePath().toString(), m.group(2));
        return new Served(p, Integer.parseInt(m.group(1)));
    }

    private static void stop(Served s, Path stderr) throws Exception {
        s.process().destroy(); // SIGTERM
        // the node stops in well under a second; the first serve after a build then writes the
        // AOT configuration it recorded (bin/ubiq, 2-3 s on a quiet machine, more on a busy one)
        assertTrue(s.process().waitFor(30, TimeUnit.SECONDS), "serve must stop within 30 s of SIGTERM");
        assertEquals(143, s.process().exitValue(), Files.readString(stderr));
        // its own log's last line (a recording run adds the JVM's "AOTConfiguration recorded" after)
        List<String> log = Files.readAllLines(stderr).stream().filter(l -> l.matches("^\\d{4}-\\d\\d-\\d\\dT.*")).toList();
        assertTrue(!log.isEmpty() && log.getLast().endsWith("stopped"), Files.readString(stderr));
    }

    @Test
    void serveRecordsThenBuildsThenUsesItsAotCache(@TempDir Path tmp) throws Exception {
        Path cache = tmp.resolve("cache");
        Path data = tmp.resolve("data");
        var env = java.util.Map.of("UBIQ_CACHE_DIR", cache.toString());
        Path err1 = tmp.resolve("serve1.err");
        Served first = serve(data, err1, env);
        try {
            stop(first, err1);
        } finally {
            first.process().destroyForcibly();
        }
        assertEquals(1, files(cache, ".aotconf").size(), "the first serve records: " + files(cache, ""));
        assertTrue(files(cache, ".aot").isEmpty());

        Path err2 = tmp.resolve("serve2.err");
        Served second = serve(data, err2, env);
        try {
            // the second builds the cache in the background, while it serves without one
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (files(cache, ".aot").isEmpty() && System.nanoTime() < end) {
                Thread.sleep(200);
            }
            assertEquals(1, files(cache, ".aot").size(), "no AOT cache built: " + files(cache, ""));
            stop(second, err2);
        } finally {
            second.process().destroyForcibly();
        }
        assertTrue(files(cache, ".aotconf").isEmpty(), "the record is removed once built: " + files(cache, ""));

        // AOTMode=on: the JVM refuses to start unless it can use the cache, so this start proves it does
        Path err3 = tmp.resolve("serve3.err");
        var withCache = new java.util.HashMap<>(env);
        withCache.put("UBIQ_JAVA_OPTS", "-XX:AOTMode=on");
        Served third = serve(data, err3, withCache);
        try {
            String token = Files.readString(data.resolve("invoke.token")).strip();
            try (HttpClient http = HttpClient.newHttpClient()) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + third.port() + "/v1/functions/hello/invoke"))
                        .header("Authorization", "Bearer " + token)
                        .POST(HttpRequest.BodyPublishers.ofString("aot")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                assertEquals("hello from wasm\necho: aot", r.body());
            }
            stop(third, err3);
        } finally {
            third.process().destroyForcibly();
        }
    }

    private static List<String> files(Path dir, String suffix) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("serve-") && n.endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void serveDeploysServesAndStopsOnSigterm(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("data");
        Path err1 = tmp.resolve("serve1.err");
        Served s = serve(data, err1);
        try {
            String url = "http://127.0.0.1:" + s.port();
            String invokeToken = Files.readString(data.resolve("invoke.token")).strip();
            try (HttpClient http = HttpClient.newHttpClient()) {
                // README_CURL
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/v1/functions/hello/invoke"))
                        .header("Authorization", "Bearer " + invokeToken)
                        .POST(HttpRequest.BodyPublishers.ofString("edge box")).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode(), r.body());
                assertEquals("hello from wasm\necho: edge box", r.body());
                assertEquals("ok", r.headers().firstValue("Ubiq-Outcome").orElse(""));
            }

            // README_INVOKE, on this test's port
            ProcessBuilder client = new ProcessBuilder(UbiqCliTest.ROOT.resolve("bin/ubiq").toString(), "invoke", "hello",
                    "--data", "edge box", "--data-dir", data.toString(), "--node", url)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            client.environment().remove("UBIQ_NODE");
            client.environment().remove("UBIQ_TOKEN");
            client.environment().put("XDG_CONFIG_HOME", tmp.resolve("config").toString());
            Process c = client.start();
            String out = new String(c.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(c.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(c.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, c.exitValue(), err);
            assertEquals("hello from wasm\necho: edge box", out);
            assertEquals("", err);
            stop(s, err1);
        } finally {
            s.process().destroyForcibly();
        }
        assertTrue(Files.readString(err1).contains("deployed hello version 1 "), Files.readString(err1));

        Path err2 = tmp.resolve("serve2.err");
        Served again = serve(data, err2);
        try {
            assertTrue(Files.readString(err2).contains("hello is current (version 1, same module and manifest): not redeployed"),
                    Files.readString(err2));
            stop(again, err2);
        } finally {
            again.process().destroyForcibly();
        }
    }
}
