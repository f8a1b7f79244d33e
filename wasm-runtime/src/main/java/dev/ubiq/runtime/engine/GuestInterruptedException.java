package dev.ubiq.runtime.engine;

import dev.ubiq.runtime.UbiqException;

/** The guest was stopped because its thread was interrupted (the deadline watchdog does this). */
public final class GuestInterruptedException extends UbiqException {
    public GuestInterruptedException(Throwable cause) {
        super("guest interrupted", cause);
    }
}
