package dev.ubiq.runtime.internal;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A bounded in-memory sink for a guest's stdout or stderr. Past {@code limit} bytes it
 * keeps nothing more and remembers that it overflowed. One per invocation. Not thread-safe: one invocation writes at a time.
 */
public final class CaptureStream extends OutputStream {
    private static final byte[] NONE = new byte[0];
    // allocated on the first write: most invocations log nothing
    private byte[] buf = NONE;
    private int size;
    private final int limit;
    private boolean overflowed;

    public CaptureStream(int limit) {
        this.limit = limit;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        int room = limit - size;
        int n = Math.min(room, len);
        if (n < len) {
            overflowed = true;
        }
        if (n <= 0) {
            return;
        }
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(size + n, Math.min(limit, Math.max(256, buf.length * 2))));
        }
        System.arraycopy(b, off, buf, size, n);
        size += n;
    }

    public boolean overflowed() {
        return overflowed;
    }

    public int size() {
        return size;
    }

    /** A copy of what was written; the shared empty array when nothing was. */
    public byte[] toByteArray() {
        return size == 0 ? NONE : Arrays.copyOf(buf, size);
    }
}
