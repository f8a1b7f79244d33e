package dev.ubiq.snapshot;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Wasm test programs built by {@code guests/build.sh} into {@code guests/out}. */
final class Guests {
    private Guests() {}

    static Path dir() {
        String root = System.getProperty("ubiq.root");
        Path d = (root != null ? Path.of(root) : Path.of("..")).resolve("guests/out");
        if (!Files.isDirectory(d)) {
            throw new IllegalStateException("guest modules not found at " + d.toAbsolutePath() + ": run guests/build.sh");
        }
        return d;
    }

    static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(dir().resolve(name + ".wasm"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
