package dev.ubiq.runtime.engine;

import dev.ubiq.runtime.UbiqException;

/** A WASI command called {@code proc_exit}. */
public final class GuestExitException extends UbiqException {
    private final int exitCode;

    public GuestExitException(int exitCode) {
        super("guest exited with code " + exitCode);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}
