package dev.ubiq.conformance.fuzz;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzzing of the module upload path with Jazzer: bytes to
 * {@code UbiqRuntime.deploy} (parse, validate, compile, instantiate) and one invoke, checked by
 * {@link UploadPathOracle}. Seeds: {@code UploadPathFuzzInputs/deployAndInvoke/} in the test
 * resources (guest modules and spec-suite binaries); Jazzer writes any finding there as
 * {@code crash-*}, which {@link UploadPathRegressionTest} then runs in every build.
 *
 * <p>Not a {@code *Test}: the default test run skips it; the {@code fuzz} surefire execution of
 * this module runs it for a bounded time in {@code mvn verify}. Longer runs: docs/fuzzing.md.
 */
class UploadPathFuzz {
    private static final UploadPathOracle ORACLE = new UploadPathOracle();

    @FuzzTest(maxDuration = "30s")
    void deployAndInvoke(byte[] wasm) {
        try {
            ORACLE.check(wasm);
        } catch (UploadPathOracle.KnownIssue reported) {
            // already reported and tracked by UploadPathRegressionTest: keep looking for new ones
        }
    }

    @AfterAll
    static void close() {
        ORACLE.close();
    }
}
