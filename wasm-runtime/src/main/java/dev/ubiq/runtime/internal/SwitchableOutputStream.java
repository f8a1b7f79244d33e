package dev.ubiq.runtime.internal;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The WASI stdout/stderr of a reused reactor instance: WASI is bound once per instance, so each
 * invocation points it at that invocation's capture.
 */
final class SwitchableOutputStream extends OutputStream {
    private OutputStream target = OutputStream.nullOutputStream();

    void switchTo(OutputStream t) {
        target = t;
    }

    @Override
    public void write(int b) throws IOException {
        target.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        target.write(b, off, len);
    }
}
