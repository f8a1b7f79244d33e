package dev.ubiq.snapshot;

import dev.ubiq.runtime.UbiqException;

/**
 * A snapshot that cannot be trusted: truncated, a checksum mismatch, an unknown format version, or
 * values out of range. The message names what was wrong and where; callers initialise the function
 * again instead of running from it.
 *
 * <pre>{@code
 * try {
 *     Snapshot s = SnapshotFormat.read(in);
 * } catch (CorruptSnapshotException e) {
 *     log.warn("re-initialising: " + e.getMessage());
 * }
 * }</pre>
 */
public final class CorruptSnapshotException extends UbiqException {
    public CorruptSnapshotException(String message) {
        super(message);
    }

    public CorruptSnapshotException(String message, Throwable cause) {
        super(message, cause);
    }
}
