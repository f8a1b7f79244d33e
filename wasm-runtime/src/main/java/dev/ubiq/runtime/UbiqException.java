package dev.ubiq.runtime;

/**
 * The one unchecked root of every Ubiq error. Subtypes say in which phase it happened; messages
 * name the function, the limit and the value. Expected outcomes on the data path (busy, timeout,
 * trap) are not exceptions: they come back as an {@link Outcome} in an {@link InvocationResult}.
 */
public class UbiqException extends RuntimeException {
    public UbiqException(String message) {
        super(message);
    }

    public UbiqException(String message, Throwable cause) {
        super(message, cause);
    }

    /** The bytes are not a WebAssembly binary (bad magic, truncated, bad encoding, empty). */
    public static final class MalformedModuleException extends UbiqException {
        public MalformedModuleException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The binary decodes but fails validation (type errors, bad indices). */
    public static final class InvalidModuleException extends UbiqException {
        public InvalidModuleException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The module imports something the host does not provide. */
    public static final class UnlinkableModuleException extends UbiqException {
        public UnlinkableModuleException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** The module fails while being instantiated (its start function or init export traps). */
    public static final class InstantiationException extends UbiqException {
        public InstantiationException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** A limit was exceeded outside the data path (module size, manifest above the node's cap). */
    public static final class LimitExceededException extends UbiqException {
        public LimitExceededException(String message) {
            super(message);
        }
    }

    /** A manifest field is unknown, malformed or out of range. */
    public static final class InvalidManifestException extends UbiqException {
        public InvalidManifestException(String message) {
            super(message);
        }

        public InvalidManifestException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** No function is deployed under that name. */
    public static final class FunctionNotFoundException extends UbiqException {
        public FunctionNotFoundException(String name) {
            super("no function named '" + name + "' is deployed");
        }
    }

    /** The caller is not allowed to do this (a capability not granted). */
    public static final class NotPermittedException extends UbiqException {
        public NotPermittedException(String message) {
            super(message);
        }
    }
}
