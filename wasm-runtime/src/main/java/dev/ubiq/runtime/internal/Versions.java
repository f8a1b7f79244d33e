package dev.ubiq.runtime.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** Versions stamped in at build time (Ubiq and the Chicory it was built against). */
public final class Versions {
    public static final String CHICORY;
    public static final String UBIQ;

    static {
        Properties p = new Properties();
        try (InputStream in = Versions.class.getResourceAsStream("/dev/ubiq/runtime/versions.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        CHICORY = p.getProperty("chicory", "unknown");
        UBIQ = p.getProperty("ubiq", "unknown");
    }

    private Versions() {}
}
