package dev.ubiq.benchmarks;

import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the guest modules built by {@code guests/build.sh}: the {@code ubiq.guests} system property,
 * else the {@code UBIQ_GUESTS} environment variable, else the first {@code guests/out} above the
 * working directory. {@code benchmarks/run.sh} sets both, so the forked JMH JVMs find them too.
 *
 * <pre>{@code
 * byte[] wasm = Guests.bytes("trivial_reactor.wasm");
 * }</pre>
 */
public final class Guests {
    private Guests() {}

    public static Path dir() {
        String p = System.getProperty("ubiq.guests");
        if (p == null || p.isBlank()) {
            p = System.getenv("UBIQ_GUESTS");
        }
        if (p != null && !p.isBlank()) {
            return Path.of(p);
        }
        for (Path d = Path.of("").toAbsolutePath(); d != null; d = d.getParent()) {
            Path candidate = d.resolve("guests").resolve("out");
            if (Files.isRegularFile(candidate.resolve("trivial_reactor.wasm"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("guest modules not found: set -Dubiq.guests or UBIQ_GUESTS to guests/out"
                + " (built by guests/build.sh)");
    }

    public static byte[] bytes(String file) {
        Path path = dir().resolve(file);
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read guest " + path + " (run guests/build.sh?)", e);
        }
    }

    public static WasmModule module(String file) {
        return Parser.parse(bytes(file));
    }
}
