package dev.ubiq.tools;

import dev.ubiq.abi.FunctionShape;
import dev.ubiq.runtime.DeployedFunction;
import dev.ubiq.runtime.InvocationResult;
import dev.ubiq.runtime.Limits;
import dev.ubiq.runtime.Manifest;
import dev.ubiq.runtime.MeteringRecord;
import dev.ubiq.runtime.Outcome;
import dev.ubiq.runtime.Request;
import dev.ubiq.runtime.UbiqException;
import dev.ubiq.runtime.UbiqException.InvalidManifestException;
import dev.ubiq.runtime.UbiqRuntime;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ubiq run}: deploys one module into an embedded {@link UbiqRuntime} and invokes it once,
 * in the spirit of {@code wasmtime run}. The process's stdin is the request body, the response
 * goes to stdout, the guest's log to stderr, and the exit code is the guest's or one of {@link
 * ExitCodes}.
 *
 * <pre>{@code
 * echo hi | ubiq run --env MODE=dev --dir ./data::/data --timeout-ms 2000 fn.wasm --flag arg
 * }</pre>
 */
@Command(name = "run",
        mixinStandardHelpOptions = true,
        versionProvider = UbiqCli.VersionProvider.class,
        description = {
            "Runs a WebAssembly module once: a WASI command (exports _start) or a reactor (exports ubiq_handle).",
            "The request body is read from stdin to its end (empty when stdin is a terminal). A WASI command "
                    + "gets it as its stdin; its stdout goes to stdout, its stderr to stderr, and its exit code "
                    + "becomes ubiq's. A reactor's response goes to stdout.",
            "Options after MODULE are passed to the guest. argv[0] of the guest is the function name: the "
                    + "file name without .wasm."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the guest exited 0, or the reactor returned a response",
            "N:the guest exited with code N",
            "1:host error (I/O, response larger than the limit, out of heap)",
            "2:usage error (bad flags, module file missing or unreadable)",
            "124:the invocation exceeded --timeout-ms",
            "125:the guest exceeded --max-memory-mb",
            "126:malformed, invalid, too large or unlinkable module, or it failed to instantiate",
            "134:the guest trapped"
        })
final class RunCommand implements Callable<Integer> {
    /** No deadline unless asked for; 24 h keeps a forgotten run from living for ever. */
    static final long DEFAULT_TIMEOUT_MS = 24L * 60 * 60 * 1000;
    /** Above this the deadline arithmetic in nanoseconds would no longer be exact. */
    static final long MAX_TIMEOUT_MS = 365L * 24 * 60 * 60 * 1000;
    static final int DEFAULT_MAX_MEMORY_MB = 1024;
    static final int MAX_MEMORY_MB = (int) (Limits.WASM32_MAX_MEMORY_BYTES >> 20);
    /** Modules above this are refused; compiling costs about 20x the module size in heap. */
    static final long MAX_MODULE_BYTES = 256L << 20;
    /** Largest stdin accepted as the request; held in heap once. */
    static final int MAX_REQUEST_BYTES = 1 << 30;
    /** Largest stdout kept; above it the run fails with exit code 1. */
    static final int MAX_RESPONSE_BYTES = 1 << 30;
    /** Guest stderr kept; the rest is dropped silently. */
    static final int MAX_LOG_BYTES = 64 << 20;

    @Option(names = "--env", paramLabel = "NAME[=VALUE]",
            description = "Sets an environment variable of the guest; NAME alone passes the host's value. Repeatable.")
    private List<String> env = new ArrayList<>();

    @Option(names = "--dir", paramLabel = "HOST[::GUEST]",
            description = "Preopens host directory HOST at guest path GUEST (default: the same path as HOST; "
                    + "GUEST must be absolute or '.'). Repeatable. Nothing else of the host file system is visible.")
    private List<String> dirs = new ArrayList<>();

    @Option(names = "--timeout-ms", paramLabel = "N",
            description = "Stops the guest after N milliseconds (exit code 124). Default: 24 hours.")
    private Long timeoutMs;

    @Option(names = "--max-memory-mb", paramLabel = "N",
            description = "Linear memory limit in MiB, 1 to 4096 (exit code 125 when the guest needs more). "
                    + "Default: " + DEFAULT_MAX_MEMORY_MB + ". The memory lives in the JVM heap: "
                    + "for large values raise it with UBIQ_JAVA_OPTS=-Xmx...")
    private Integer maxMemoryMb;

    @Option(names = "--interpreter",
            description = "Runs the module in Chicory's interpreter instead of compiling it to JVM bytecode "
                    + "(starts faster, runs slower).")
    private boolean interpreter;

    @Option(names = "--cache-dir", paramLabel = "DIR",
            description = "Where compiled code is kept between runs, so a module is compiled once. "
                    + "Default: $UBIQ_CACHE_DIR, else $XDG_CACHE_HOME/ubiq/code, else ~/.cache/ubiq/code.")
    private Path cacheDir;

    @Option(names = "--no-cache", description = "Compiles the module afresh and keeps nothing on disk.")
    private boolean noCache;

    @Option(names = {"-v", "--verbose"},
            description = "Prints runtime events and a summary of the invocation (outcome, time, memory) to stderr.")
    private boolean verbose;

    @Parameters(index = "0", paramLabel = "MODULE", description = "The .wasm file to run.")
    private Path module;

    @Parameters(index = "1..*", paramLabel = "ARGS", description = "Arguments for the guest (argv[1..]).")
    private List<String> args = new ArrayList<>();

    private final UbiqCli.Io io;

    RunCommand(UbiqCli.Io io) {
        this.io = io;
    }

    private Path codeCacheDir() {
        if (cacheDir != null) {
            return cacheDir;
        }
        String env = System.getenv("UBIQ_CACHE_DIR");
        if (env != null && !env.isBlank()) {
            return Path.of(env);
        }
        String xdg = System.getenv("XDG_CACHE_HOME");
        Path base = xdg != null && !xdg.isBlank() ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".cache");
        return base.resolve("ubiq").resolve("code");
    }

    @Override
    public Integer call() {
        long timeout = timeoutMs == null ? DEFAULT_TIMEOUT_MS : timeoutMs;
        if (timeout < 1 || timeout > MAX_TIMEOUT_MS) {
            throw new CliFailure(ExitCodes.USAGE, "--timeout-ms " + timeout + " is out of range [1, "
                    + MAX_TIMEOUT_MS + "]");
        }
        int memoryMb = maxMemoryMb == null ? DEFAULT_MAX_MEMORY_MB : maxMemoryMb;
        if (memoryMb < 1 || memoryMb > MAX_MEMORY_MB) {
            throw new CliFailure(ExitCodes.USAGE, "--max-memory-mb " + memoryMb + " is out of range [1, "
                    + MAX_MEMORY_MB + "] (wasm32 addresses at most 4 GiB)");
        }
        byte[] wasm = ModuleFiles.read(module, MAX_MODULE_BYTES);
        String name = functionName(module);
        Manifest manifest = manifest(name);

        Limits limits = Limits.builder()
                .withMaxModuleBytes(MAX_MODULE_BYTES)
                .withMaxPayloadBytes(MAX_REQUEST_BYTES)
                .withMaxResponseBytes(MAX_RESPONSE_BYTES)
                .withMaxLogBytesPerInvocation(MAX_LOG_BYTES)
                .withMaxMemoryCapBytes(Limits.WASM32_MAX_MEMORY_BYTES)
                .withDefaultMaxMemoryBytes((long) memoryMb << 20)
                .withMaxTimeoutMs(MAX_TIMEOUT_MS)
                .withDefaultTimeoutMs(timeout)
                .build();
        try (UbiqRuntime runtime = UbiqRuntime.builder()
                .withLimits(limits)
                .withInterpreterOnly(interpreter)
                .withCodeCacheDir(noCache ? null : codeCacheDir())
                .withCpuMetering(verbose)
                .withLogSink(line -> {
                    if (verbose) {
                        io.err().println("ubiq: " + line);
                    }
                })
                .build()) {
            DeployedFunction deployed;
            try {
                deployed = runtime.deploy(wasm, manifest);
            } catch (UbiqException e) {
                throw new CliFailure(ExitCodes.forDeployFailure(e), e.getMessage());
            }
            byte[] body = readRequest();
            InvocationResult r = runtime.invoke(name, Request.of(body));
            io.out().writeBytes(r.output());
            io.out().flush();
            io.err().writeBytes(r.log());
            io.err().flush();
            if (verbose) {
                io.err().println(summary(deployed, r));
            }
            return exitCode(r);
        }
    }

    private static int exitCode(InvocationResult r) {
        return switch (r.outcome()) {
            case OK -> ExitCodes.OK;
            case GUEST_ERROR -> r.exitCode();
            case TIMEOUT -> throw new CliFailure(ExitCodes.TIMEOUT, r.message());
            case MEMORY_LIMIT -> throw new CliFailure(ExitCodes.MEMORY_LIMIT, r.message());
            case TRAP -> throw new CliFailure(ExitCodes.TRAP, r.message());
            case BUSY, PAYLOAD_TOO_LARGE, NOT_FOUND, HOST_ERROR -> throw new CliFailure(ExitCodes.HOST_ERROR,
                    r.outcome() == Outcome.HOST_ERROR && r.message().contains("ran out of heap")
                            ? r.message() + " or raise the JVM heap (UBIQ_JAVA_OPTS=-Xmx...)"
                            : r.message());
        };
    }

    private Manifest manifest(String name) {
        Manifest.Builder b = Manifest.builder(name).withArgs(args);
        try {
            for (String e : env) {
                int eq = e.indexOf('=');
                if (eq < 0) {
                    String host = System.getenv(e);
                    if (host == null) {
                        throw new CliFailure(ExitCodes.USAGE, "--env " + e
                                + ": not set in the host environment (write " + e + "=VALUE)");
                    }
                    b.withEnv(e, host);
                } else {
                    b.withEnv(e.substring(0, eq), e.substring(eq + 1));
                }
            }
            for (String d : dirs) {
                int sep = d.indexOf("::");
                String host = sep < 0 ? d : d.substring(0, sep);
                String guest = sep < 0 ? d : d.substring(sep + 2);
                if (!guest.startsWith("/") && !guest.equals(".")) {
                    throw new CliFailure(ExitCodes.USAGE, "--dir " + d + ": guest path '" + guest
                            + "' must be absolute or '.' (write --dir " + host + "::/" + guest + ")");
                }
                b.withDir(guest, host);
            }
            return b.build();
        } catch (InvalidManifestException e) {
            throw new CliFailure(ExitCodes.USAGE, e.getMessage());
        }
    }

    private byte[] readRequest() {
        try {
            // one byte over the limit lets the runtime report the request as too large
            return io.in().readNBytes(MAX_REQUEST_BYTES + 1);
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.HOST_ERROR, "cannot read the request from stdin: " + e.getMessage());
        }
    }

    private String summary(DeployedFunction f, InvocationResult r) {
        MeteringRecord m = r.metering();
        String shape = f.config().shape() == FunctionShape.REACTOR ? "reactor" : "wasi-command";
        return "ubiq: " + f.name() + " (" + shape + ", " + f.mode().name().toLowerCase(Locale.ROOT)
                + "): " + r.outcome() + (f.config().shape() == FunctionShape.WASI_COMMAND ? ", exit code " + r.exitCode() : "")
                + ", " + String.format(Locale.ROOT, "%.1f", m.wallNs() / 1e6) + " ms wall"
                + (m.cpuNs() >= 0 ? String.format(Locale.ROOT, ", %.1f ms cpu", m.cpuNs() / 1e6) : "")
                + ", memory " + m.memoryHighWaterBytes() + " bytes, in " + m.bytesIn() + " bytes, out "
                + m.bytesOut() + " bytes";
    }

    /**
     * The function name for a module file: its name without {@code .wasm}, every character outside
     * {@code [A-Za-z0-9_-]} replaced by {@code -}, leading {@code _}/{@code -} dropped, at most 64
     * characters; {@code main} when nothing is left.
     */
    static String functionName(Path module) {
        Path file = module.getFileName();
        String base = file == null ? "" : file.toString();
        if (base.endsWith(".wasm")) {
            base = base.substring(0, base.length() - ".wasm".length());
        }
        String s = base.replaceAll("[^A-Za-z0-9_-]", "-").replaceFirst("^[_-]+", "");
        if (s.length() > 64) {
            s = s.substring(0, 64);
        }
        return s.isEmpty() ? "main" : s;
    }
}
