package dev.ubiq.runtime;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The Wasm test programs built by {@code guests/build.sh} into {@code guests/out}. */
public final class Guests {
    private Guests() {}

    public static Path dir() {
        String root = System.getProperty("ubiq.root");
        Path base = root != null ? Path.of(root) : Path.of("..");
        Path d = base.resolve("guests/out");
        if (!Files.isDirectory(d)) {
            throw new IllegalStateException("guest modules not found at " + d.toAbsolutePath()
                    + ": run guests/build.sh (see guests/README.md)");
        }
        return d;
    }

    public static byte[] bytes(String name) {
        try {
            return Files.readAllBytes(dir().resolve(name + ".wasm"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
