package dev.ubiq.abi;

/**
 * The WASI command shape (CGI/Wagi style). Any WASI preview1 program runs unchanged.
 *
 * <ul>
 *   <li>stdin: the request body;
 *   <li>environment: request metadata ({@link #ENV_FUNCTION_NAME}, and the manifest's {@code env});
 *   <li>stdout: the response body; stderr: the function's log;
 *   <li>exit code 0 (or returning from {@code _start}) is success, anything else an error.
 * </ul>
 */
public final class WasiCommandAbi {
    /** The entry point every WASI command exports. */
    public static final String START = "_start";
    /** Environment variable holding the invoked function's name. */
    public static final String ENV_FUNCTION_NAME = "UBIQ_FUNCTION";
    /** Environment variable holding the deployed version number. */
    public static final String ENV_FUNCTION_VERSION = "UBIQ_FUNCTION_VERSION";

    private WasiCommandAbi() {}
}
