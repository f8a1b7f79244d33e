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
 * Every committed input of the upload-path fuzzer, seeds and past findings ({@code crash-*},
 * {@code timeout-*}), through {@link UploadPathOracle} in plain JUnit: a finding stays fixed once
 * it is, and the seed corpus keeps passing, without starting Jazzer. An input that still hits a
 * known issue ({@link UploadPathOracle.KnownIssue}, reported, not yet fixed) is reported as
 * skipped with the issue; a listed input that passes fails the test until its line goes.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class UploadPathRegressionTest {
    static final Path INPUTS = UploadPathOracle.ROOT.resolve(
            "conformance-tests/src/test/resources/dev/ubiq/conformance/fuzz/UploadPathFuzzInputs/deployAndInvoke");
    private static final UploadPathOracle ORACLE = new UploadPathOracle();

    /** Committed findings whose bug is reported but not fixed yet: input file name to issue. */
    // crash-0705d43a... (Chicory's parser assert escaping deploy) is fixed in ChicoryEngine.parse
    private static final Map<String, String> OPEN_FINDINGS = Map.of();

    @AfterAll
    static void close() {
        ORACLE.close();
    }

    @TestFactory
    Stream<DynamicTest> committedInputsKeepTheRuntimeSound() throws IOException {
        List<Path> inputs;
        try (Stream<Path> s = Files.list(INPUTS)) {
            inputs = s.filter(Files::isRegularFile).sorted().toList();
        }
        return inputs.stream().map(p -> DynamicTest.dynamicTest(p.getFileName().toString(), () -> {
            String open = OPEN_FINDINGS.get(p.getFileName().toString());
            try {
                ORACLE.check(Files.readAllBytes(p));
            } catch (UploadPathOracle.KnownIssue e) {
                throw new TestAbortedException("known issue " + e.issue() + ", reported, not fixed yet: " + e.getMessage());
            }
            if (open != null) {
                fail(p.getFileName() + " passes now: remove it from OPEN_FINDINGS (" + open + ")");
            }
        }));
    }
}
