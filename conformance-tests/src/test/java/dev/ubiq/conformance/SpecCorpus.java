package dev.ubiq.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Where the WebAssembly core spec suite (wast2json output) lives: {@code UBIQ_SPEC_CORPUS} (system
 * property or environment variable) when set, else {@code ${ubiq.root}/../shared/corpora/wasm-spec-core2}.
 */
final class SpecCorpus {
    static final String OVERRIDE = "UBIQ_SPEC_CORPUS";

    private SpecCorpus() {}

    static Path root() {
        String override = System.getProperty(OVERRIDE, System.getenv(OVERRIDE));
        Path dir;
        if (override != null && !override.isBlank()) {
            dir = Path.of(override);
        } else {
            String root = System.getProperty("ubiq.root");
            dir = (root != null ? Path.of(root) : Path.of("..")).resolve("../shared/corpora/wasm-spec-core2");
        }
        dir = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir.resolve("json"))) {
            throw new IllegalStateException("WebAssembly spec corpus not found: expected wast2json output in "
                    + dir.resolve("json") + " (json/NAME/NAME.json); set " + OVERRIDE
                    + " (system property or environment variable) to the folder holding json/");
        }
        return dir;
    }

    /** The script names (NAME for json/NAME/NAME.json), sorted. */
    static List<String> scripts(Path root) {
        try (Stream<Path> dirs = Files.list(root.resolve("json"))) {
            return dirs.filter(d -> Files.isRegularFile(d.resolve(d.getFileName() + ".json")))
                    .map(d -> d.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static Path json(Path root, String script) {
        return root.resolve("json").resolve(script).resolve(script + ".json");
    }
}
