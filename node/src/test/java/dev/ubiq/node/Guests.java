package dev.ubiq.node;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

/** The committed guest modules in {@code guests/out} (see guests/README.md). */
final class Guests {
    private Guests() {}

    static Path dir() {
        String root = System.getProperty("ubiq.root");
        Path d = root != null ? Path.of(root, "guests", "out") : Path.of("..", "guests", "out");
        if (!Files.isDirectory(d)) {
            throw new IllegalStateException("guest modules not found at " + d.toAbsolutePath() + " (set -Dubiq.root)");
        }
        return d;
    }

    static byte[] bytes(String file) {
        try {
            return Files.readAllBytes(dir().resolve(file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The module with a custom section appended: still valid, and the same code, but a different
     * SHA-256 and as large as asked. Lets tests make big or distinct modules without new guests.
     */
    static byte[] withCustomSection(byte[] module, String name, int payloadBytes) {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream content = new ByteArrayOutputStream();
        leb(content, n.length);
        content.writeBytes(n);
        content.writeBytes(new byte[payloadBytes]);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(module);
        out.write(0);
        leb(out, content.size());
        out.writeBytes(content.toByteArray());
        return out.toByteArray();
    }

    private static void leb(ByteArrayOutputStream out, int v) {
        do {
            int b = v & 0x7f;
            v >>>= 7;
            out.write(v != 0 ? b | 0x80 : b);
        } while (v != 0);
    }

    static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
