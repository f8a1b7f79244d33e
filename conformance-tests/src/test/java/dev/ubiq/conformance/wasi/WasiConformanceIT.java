package dev.ubiq.conformance.wasi;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every case of {@code conformance-tests/wasi/cases} through {@code bin/ubiq run} as a real
 * process: {@code --dir HOST::GUEST}, {@code --env NAME=VALUE}, the args after the module, stdin
 * from the case's file. Runs in Maven's integration-test phase (failsafe), after the tools module
 * has laid out the jars {@code bin/ubiq} starts.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class WasiConformanceIT {
    @TempDir
    static Path tmp;

    @TestFactory
    Stream<DynamicTest> throughBinUbiqRun() {
        Path ubiq = WasiCase.ROOT.resolve("bin/ubiq");
        assertTrue(Files.isDirectory(WasiCase.ROOT.resolve("tools/target/lib")),
                "tools must be packaged before this runs (mvn verify does it)");
        return WasiCase.all().stream().map(c -> DynamicTest.dynamicTest(c.name(), () -> {
            Path root = c.prepareRoot(tmp.resolve(c.name()));
            List<String> cmd = new ArrayList<>(List.of(ubiq.toString(), "run", "--cache-dir", tmp.resolve("code-cache").toString()));
            c.env().forEach((k, v) -> cmd.addAll(List.of("--env", k + "=" + v)));
            c.preopens(root).forEach((guest, host) -> cmd.addAll(List.of("--dir", host + "::" + guest)));
            cmd.add(c.wasm().toString());
            cmd.addAll(c.args());
            ProcessBuilder pb = new ProcessBuilder(cmd)
                    .redirectInput(c.stdin() == null ? ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))
                            : ProcessBuilder.Redirect.from(c.stdin().toFile()))
                    .redirectOutput(root.resolveSibling(c.name() + ".stdout").toFile())
                    .redirectError(root.resolveSibling(c.name() + ".stderr").toFile());
            pb.environment().put("UBIQ_CACHE_DIR", tmp.resolve("jvm-cache").toString());
            Process p = pb.start();
            assertTrue(p.waitFor(120, TimeUnit.SECONDS), c.name() + ": bin/ubiq did not finish within 120 s");
            var run = new WasiCase.Run(p.exitValue(), WasiCase.read(root.resolveSibling(c.name() + ".stdout")),
                    WasiCase.read(root.resolveSibling(c.name() + ".stderr")));
            KnownFailures.verdict(c, "bin/ubiq run", c.differences(run, root));
        }));
    }
}
