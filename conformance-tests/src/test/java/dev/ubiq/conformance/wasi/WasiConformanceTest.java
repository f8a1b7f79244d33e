package dev.ubiq.conformance.wasi;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ubiq.runtime.InvocationResult;
import dev.ubiq.runtime.Manifest;
import dev.ubiq.runtime.Outcome;
import dev.ubiq.runtime.Request;
import dev.ubiq.runtime.UbiqRuntime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every case of {@code conformance-tests/wasi/cases} through the embedding API: deployed with a
 * {@link Manifest} carrying its args, env and preopened dirs, invoked with its stdin as the
 * request body; stdout, stderr, exit code and the host files afterwards must be what the case
 * expects. The same cases also run under Node's {@code node:wasi}, the reference host, where
 * {@code node} is installed: those differences are written to {@code target/wasi-node-diff.txt}
 * and never fail the build (see docs/wasi-conformance.md).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class WasiConformanceTest {
    private static UbiqRuntime runtime;

    @TempDir
    static Path tmp;

    @BeforeAll
    static void start() {
        runtime = UbiqRuntime.builder().build();
    }

    @AfterAll
    static void stop() {
        runtime.close();
    }

    @TestFactory
    Stream<DynamicTest> throughTheRuntimeApi() {
        return WasiCase.all().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Path root = c.prepareRoot(tmp.resolve("api").resolve(c.name()));
            Manifest.Builder m = Manifest.builder(c.name()).withArgs(c.args());
            c.env().forEach(m::withEnv);
            c.preopens(root).forEach((guest, host) -> m.withDir(guest, host.toString()));
            runtime.deploy(Files.readAllBytes(c.wasm()), m.build());
            try {
                InvocationResult r = runtime.invoke(c.name(), Request.of(c.stdinBytes()));
                List<String> diffs = new ArrayList<>();
                if (r.outcome() != Outcome.OK && r.outcome() != Outcome.GUEST_ERROR) {
                    diffs.add("outcome " + r.outcome() + ": " + r.message());
                }
                diffs.addAll(c.differences(new WasiCase.Run(r.exitCode(), r.outputAsString(), r.logAsString()), root));
                KnownFailures.verdict(c, "the runtime API", diffs);
            } finally {
                runtime.undeploy(c.name());
            }
        }));
    }

    /**
     * Node as a second opinion: each case under {@code run-node.mjs}; every difference from the
     * case's expectation goes to {@code target/wasi-node-diff.txt}. Skipped without {@code node}.
     */
    @TestFactory
    Stream<DynamicTest> underNodeForComparison() throws IOException {
        Path report = Path.of("target/wasi-node-diff.txt").toAbsolutePath();
        Files.createDirectories(report.getParent());
        String version = nodeVersion();
        if (version == null) {
            Files.writeString(report, "node not found: the WASI cases were not run under Node\n");
            return Stream.of(DynamicTest.dynamicTest("node is not installed", () -> {
                throw new org.opentest4j.TestAbortedException("node not found on PATH: no comparison with node:wasi");
            }));
        }
        Map<String, List<String>> found = new LinkedHashMap<>();
        List<WasiCase> cases = WasiCase.all();
        return Stream.concat(cases.stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Path root = c.prepareRoot(tmp.resolve("node").resolve(c.name()));
            found.put(c.name(), c.differences(runNode(c, root), root));
        })), Stream.of(DynamicTest.dynamicTest("report", () -> {
            StringBuilder b = new StringBuilder("# WASI cases under Node " + version
                    + " (node:wasi, preview1) compared with each case's expectation\n"
                    + "# explained in docs/wasi-conformance.md; Ubiq's own results are the build's tests\n");
            found.forEach((name, diffs) -> {
                b.append("\n== ").append(name).append(": ").append(diffs.isEmpty() ? "same" : "DIFFERENT").append('\n');
                diffs.forEach(d -> b.append(d).append('\n'));
            });
            Files.writeString(report, b.toString());
            assertNotNull(report);
        })));
    }

    private static String nodeVersion() {
        try {
            Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? v : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static WasiCase.Run runNode(WasiCase c, Path root) throws IOException, InterruptedException {
        Map<String, Object> spec = new LinkedHashMap<>();
        List<String> argv = new ArrayList<>();
        argv.add(c.name());
        argv.addAll(c.args());
        spec.put("wasm", c.wasm().toString());
        spec.put("args", argv);
        spec.put("env", c.env());
        Map<String, String> pre = new LinkedHashMap<>();
        c.preopens(root).forEach((g, h) -> pre.put(g, h.toString()));
        spec.put("preopens", pre);
        spec.put("stdin", c.stdin() == null ? null : c.stdin().toString());
        Path specFile = root.resolveSibling(c.name() + ".node.json");
        new ObjectMapper().writeValue(specFile.toFile(), spec);
        Path out = root.resolveSibling(c.name() + ".node.stdout");
        Path err = root.resolveSibling(c.name() + ".node.stderr");
        Process p = new ProcessBuilder("node", WasiCase.ROOT.resolve("conformance-tests/wasi/run-node.mjs").toString(),
                specFile.toString())
                .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new WasiCase.Run(-1, "", "node did not finish within 60 s");
        }
        return new WasiCase.Run(p.exitValue(), WasiCase.read(out), WasiCase.read(err));
    }
}
