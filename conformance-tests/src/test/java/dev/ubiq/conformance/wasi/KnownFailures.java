package dev.ubiq.conformance.wasi;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.opentest4j.TestAbortedException;

/**
 * The cases Ubiq is known not to pass yet, from {@code conformance-tests/wasi/known-failures.txt}
 * (one {@code case: reason} a line; every entry says why). A listed case still runs: while it
 * fails it is reported as skipped with its reason and its differences; once it passes the test
 * fails, so the entry cannot outlive the bug.
 */
final class KnownFailures {
    private static final Map<String, String> REASONS = load(WasiCase.ROOT.resolve("conformance-tests/wasi/known-failures.txt"));

    private KnownFailures() {}

    private static Map<String, String> load(Path file) {
        Map<String, String> m = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file)) {
                String l = line.strip();
                if (l.isEmpty() || l.startsWith("#")) {
                    continue;
                }
                int colon = l.indexOf(':');
                if (colon < 0) {
                    throw new IllegalStateException(file + ": expected 'case: reason', got: " + l);
                }
                m.put(l.substring(0, colon).strip(), l.substring(colon + 1).strip());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return m;
    }

    static Map<String, String> all() {
        return REASONS;
    }

    /** Passes, fails or aborts (a known failure) the test of {@code c} on {@code host}. */
    static void verdict(WasiCase c, String host, List<String> differences) {
        String reason = REASONS.get(c.name());
        if (reason == null) {
            if (!differences.isEmpty()) {
                fail(c.name() + " on " + host + " (" + c.description() + "):\n" + String.join("\n", differences));
            }
            return;
        }
        if (differences.isEmpty()) {
            fail(c.name() + " now passes on " + host + ": remove it from conformance-tests/wasi/known-failures.txt");
        }
        throw new TestAbortedException("known failure (" + reason + "):\n" + String.join("\n", differences));
    }
}
