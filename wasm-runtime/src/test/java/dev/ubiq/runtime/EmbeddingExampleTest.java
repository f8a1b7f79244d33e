package dev.ubiq.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs the README's embedding example, and checks the README still shows exactly this code, so the
 * example cannot go stale.
 */
class EmbeddingExampleTest {

    static String example(Path wasmFile) throws Exception {
        // README-BEGIN
        try (UbiqRuntime runtime = UbiqRuntime.builder()
                .withLimits(Limits.builder()
                        .withDefaultMaxMemoryBytes(32L << 20)   // 32 MiB of linear memory per instance
                        .withDefaultTimeoutMs(2_000)            // deadline per invocation
                        .build())
                .build()) {
            runtime.deploy("hello", Files.readAllBytes(wasmFile));
            InvocationResult result = runtime.invoke("hello", Request.of("edge box"));
            if (result.outcome() != Outcome.OK) {
                throw new IllegalStateException(result.message());
            }
            return result.outputAsString();
        }
        // README-END
    }

    @Test
    void exampleRuns() throws Exception {
        assertEquals("hello from wasm\necho: edge box", example(Guests.dir().resolve("hello.wasm")).stripTrailing());
    }

    @Test
    void readmeShowsThisExample() throws Exception {
        Path root = Guests.dir().getParent().getParent();
        String readme = Files.readString(root.resolve("README.md"));
        List<String> lines = Files.readAllLines(root.resolve(
                "wasm-runtime/src/test/java/dev/ubiq/runtime/EmbeddingExampleTest.java"));
        int begin = lines.indexOf("        // README-BEGIN");
        int end = lines.indexOf("        // README-END");
        assertTrue(begin > 0 && end > begin);
        String snippet = String.join("\n", lines.subList(begin + 1, end).stream()
                .map(l -> l.length() >= 8 ? l.substring(8) : l.strip()).toList());
        assertTrue(readme.contains(snippet), "README.md must contain the embedding example verbatim:\n" + snippet);
    }
}
