package dev.ubiq.runtime.engine;

import dev.ubiq.runtime.UbiqException;

/** The guest trapped; the message says how (as the engine reports it). */
public class GuestTrapException extends UbiqException {
    public GuestTrapException(String message, Throwable cause) {
        super(message, cause);
    }
}
