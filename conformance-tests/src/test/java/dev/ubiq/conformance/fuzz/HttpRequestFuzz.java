package dev.ubiq.conformance.fuzz;

import com.code_intelligence.jazzer.junit.DictionaryFile;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzzing of a node's HTTP request handling with Jazzer: bytes (with
 * {@code @admin@} and {@code @invoke@} standing for the tokens) on one connection to a real node on
 * 127.0.0.1, checked by {@link HttpRequestOracle}. Seeds: {@code HttpRequestFuzzInputs/handleRequest/}
 * in the test resources; Jazzer writes a finding there as {@code crash-*}, which
 * {@link HttpRequestRegressionTest} then runs in every build.
 *
 * <p>Not a {@code *Test}: the {@code fuzz} surefire execution of this module runs it for a bounded
 * time in {@code mvn verify}, in a JVM of its own. Longer runs: docs/fuzzing.md.
 */
class HttpRequestFuzz {
    private static final HttpRequestOracle ORACLE = start();

    private static HttpRequestOracle start() {
        try {
            return new HttpRequestOracle(50);
        } catch (RuntimeException | Error e) {
            e.printStackTrace(); // JUnit only shows "could not initialize class" for the inputs
            throw e;
        }
    }

    @FuzzTest(maxDuration = "20s")
    @DictionaryFile(resourcePath = "http-request.dict")
    void handleRequest(byte[] input) {
        try {
            ORACLE.check(input);
        } catch (HttpRequestOracle.KnownIssue reported) {
            // already reported and tracked by HttpRequestRegressionTest: keep looking for new ones
        }
    }

    @AfterAll
    static void close() {
        System.err.println("HttpRequestFuzz: " + ORACLE.inputs() + " inputs");
        ORACLE.close();
    }
}
