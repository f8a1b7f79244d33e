package dev.ubiq.abi;

import java.util.Locale;
import java.util.Set;

/**
 * How a function module talks to the host. See {@code host-abi/docs/function-shapes.md} for the
 * full contract.
 *
 * <pre>{@code
 * FunctionShape shape = FunctionShape.infer(exportNames); // WASI_COMMAND when "_start" is exported
 * }</pre>
 */
public enum FunctionShape {
    /**
     * A WASI preview1 command, CGI/Wagi style: the request body on stdin, metadata in environment
     * variables, the response on stdout, stderr is the function's log, exit code 0 is success. A
     * fresh instance runs {@code _start} for every invocation.
     */
    WASI_COMMAND("wasi-command"),
    /**
     * A reactor: exports {@link ReactorAbi#MEMORY}, {@link ReactorAbi#ALLOC} and {@link
     * ReactorAbi#HANDLE}; instances may be reused between invocations.
     */
    REACTOR("reactor");

    private final String manifestName;

    FunctionShape(String manifestName) {
        this.manifestName = manifestName;
    }

    /** The spelling used in manifests and on the command line ({@code wasi-command}, {@code reactor}). */
    public String manifestName() {
        return manifestName;
    }

    /**
     * Parses a manifest spelling.
     *
     * @throws IllegalArgumentException naming the accepted values when {@code text} is none of them
     */
    public static FunctionShape parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (FunctionShape s : values()) {
            if (s.manifestName.equals(t)) {
                return s;
            }
        }
        throw new IllegalArgumentException(
                "unknown shape '" + text + "' (expected 'wasi-command' or 'reactor')");
    }

    /**
     * Infers the shape from a module's export names: the reactor handler wins when present,
     * otherwise {@code _start} means a WASI command.
     *
     * @return the shape, or {@code null} when the exports fit neither
     */
    public static FunctionShape infer(Set<String> exportNames) {
        if (exportNames.contains(ReactorAbi.HANDLE)) {
            return REACTOR;
        }
        if (exportNames.contains(WasiCommandAbi.START)) {
            return WASI_COMMAND;
        }
        return null;
    }
}
