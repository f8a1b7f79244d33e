package dev.ubiq.conformance.fuzz;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.Timeout;
import org.opentest4j.TestAbortedException;

/**
 * Every committed input of the HTTP fuzzer, seeds and past findings ({@code crash-*},
 * {@code timeout-*}), through {@link HttpRequestOracle} in plain JUnit, with the canary (health,
 * echo, Netty's leak queues) after each: a finding stays fixed once it is, without starting Jazzer.
 * An input that still hits a known issue ({@link HttpRequestOracle.KnownIssue}, reported, not yet
 * fixed) is reported as skipped with the issue; a listed input that passes fails the test until
 * its line goes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class HttpRequestRegressionTest {
    static final Path INPUTS = UploadPathOracle.ROOT.resolve(
            "conformance-tests/src/test/resources/dev/ubiq/conformance/fuzz/HttpRequestFuzzInputs/handleRequest");
    private static final HttpRequestOracle ORACLE = new HttpRequestOracle(1);

    /** Committed findings whose bug is reported but not fixed yet: input file name to issue. */
    // the four findings of the first HTTP fuzz runs (Expect 417 shape, multipart leak, multipart
    // decoder error, %-escape outside the try) are fixed in the node; their inputs stay as regressions
    private static final Map<String, String> OPEN_FINDINGS = Map.of();

    @AfterAll
    static void close() {
        ORACLE.close();
    }

    @TestFactory
    Stream<DynamicTest> committedInputsKeepTheNodeSound() throws IOException {
        List<Path> inputs;
        try (Stream<Path> s = Files.list(INPUTS)) {
            inputs = s.filter(Files::isRegularFile).sorted().toList();
        }
        return inputs.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            String open = OPEN_FINDINGS.get(p.getFileName().toString());
            try {
                ORACLE.check(Files.readAllBytes(p));
            } catch (HttpRequestOracle.KnownIssue e) {
                throw new TestAbortedException("known issue " + e.issue() + ", reported, not fixed yet: " + e.getMessage());
            }
            if (open != null) {
                fail(p.getFileName() + " passes now: remove it from OPEN_FINDINGS (" + open + ")");
            }
        }));
    }
}
