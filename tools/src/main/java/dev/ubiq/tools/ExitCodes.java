package dev.ubiq.tools;

import dev.ubiq.runtime.UbiqException;
import dev.ubiq.runtime.UbiqException.InstantiationException;
import dev.ubiq.runtime.UbiqException.InvalidManifestException;
import dev.ubiq.runtime.UbiqException.InvalidModuleException;
import dev.ubiq.runtime.UbiqException.LimitExceededException;
import dev.ubiq.runtime.UbiqException.MalformedModuleException;
import dev.ubiq.runtime.UbiqException.UnlinkableModuleException;

/**
 * The exit codes of {@code ubiq}, chosen to match the tools people already script against: 124 as
 * GNU {@code timeout}, 126 as a shell's "cannot execute", 134 (128 + SIGABRT) as {@code wasmtime}
 * for a trap. A guest's own exit code passes through unchanged, so a guest that exits with one of
 * these values is indistinguishable from the failure; the one-line message on stderr tells them
 * apart.
 *
 * <pre>{@code
 * int code = UbiqCli.execute(args, in, out, err);
 * if (code == ExitCodes.TIMEOUT) { ... }
 * }</pre>
 */
public final class ExitCodes {
    /** The guest exited 0, or a reactor returned a response. */
    public static final int OK = 0;
    /** A host-side failure: I/O error, response too large, out of heap, a bug. */
    public static final int HOST_ERROR = 1;
    /** Bad flags or arguments, or a module file that cannot be read. */
    public static final int USAGE = 2;
    /** The invocation passed its deadline ({@code --timeout-ms}). */
    public static final int TIMEOUT = 124;
    /** The guest needed more linear memory than {@code --max-memory-mb} allows. */
    public static final int MEMORY_LIMIT = 125;
    /** The module is malformed, invalid, too large, unlinkable, or fails to instantiate. */
    public static final int BAD_MODULE = 126;
    /** The guest trapped (unreachable, out-of-bounds access, call stack exhausted). */
    public static final int TRAP = 134;

    private ExitCodes() {}

    /**
     * The exit code for an error thrown while deploying a module. {@code ubiq run} checks the module
     * size itself, so a {@link LimitExceededException} from deploy is the module's initial memory
     * being above the memory limit.
     */
    static int forDeployFailure(UbiqException e) {
        return switch (e) {
            case MalformedModuleException x -> BAD_MODULE;
            case InvalidModuleException x -> BAD_MODULE;
            case UnlinkableModuleException x -> BAD_MODULE;
            case InstantiationException x -> BAD_MODULE;
            case LimitExceededException x -> MEMORY_LIMIT;
            case InvalidManifestException x -> USAGE;
            default -> HOST_ERROR;
        };
    }
}
