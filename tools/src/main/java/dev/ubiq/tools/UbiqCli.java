package dev.ubiq.tools;

import dev.ubiq.runtime.internal.Versions;
import java.io.Console;
import java.io.InputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code ubiq} command line. {@code bin/ubiq} runs {@link #main}; tests and embedders call
 * {@link #execute} with their own streams and get the exit code back instead of the JVM exiting.
 * Subcommands: {@code run} ({@link RunCommand}) and {@code inspect} ({@link InspectCommand}) on an
 * embedded runtime; {@code serve} ({@link ServeCommand}) runs a node; {@code deploy}, {@code invoke},
 * {@code ls}, {@code rm}, {@code logs} and {@code status} ({@link NodeCommands}) are clients of a
 * node's HTTP API.
 *
 * <pre>{@code
 * var out = new ByteArrayOutputStream();
 * int code = UbiqCli.execute(new String[] {"run", "hello.wasm"},
 *         new ByteArrayInputStream("hi".getBytes()), new PrintStream(out), System.err);
 * }</pre>
 */
@Command(name = "ubiq",
        mixinStandardHelpOptions = true,
        versionProvider = UbiqCli.VersionProvider.class,
        description = {
            "Runs and inspects WebAssembly functions on the Ubiq runtime (run, inspect), serves them over "
                    + "HTTP (serve), manages a running node (deploy, invoke, ls, rm, logs, status), and inspects "
                    + "pre-initialised snapshots (snapshot inspect)."
        },
        footerHeading = "%n",
        footer = "Run 'ubiq COMMAND --help' for the options and exit codes of a command.")
public final class UbiqCli implements Callable<Integer> {

    /** Set by {@code bin/ubiq} from {@code [ -t 0 ]}: whether stdin is a terminal. */
    static final String STDIN_TTY_PROPERTY = "ubiq.stdin.tty";

    /** Set to {@code true}/{@code false} to say whether stderr is a terminal (upload progress bars). */
    static final String STDERR_TTY_PROPERTY = "ubiq.stderr.tty";

    /**
     * The streams a command reads and writes, the environment it sees, and whether {@code err} is a
     * terminal; the process's own in {@link #main}. Tests pass their own environment, so nothing
     * of the real {@code UBIQ_*} variables or config file leaks into them.
     */
    record Io(InputStream in, PrintStream out, PrintStream err, Map<String, String> env, boolean errIsTerminal) {}

    @Spec
    private CommandSpec spec;

    private final Io io;

    private UbiqCli(Io io) {
        this.io = io;
    }

    public static void main(String[] args) {
        // A terminal on stdin means nobody piped a request in: the guest gets an empty one
        // instead of waiting for the user to type end-of-file.
        InputStream in = stdinIsTerminal() ? InputStream.nullInputStream() : System.in;
        int code = execute(args, in, System.out, System.err);
        System.out.flush();
        System.err.flush();
        System.exit(code);
    }

    /**
     * Runs one {@code ubiq} command line without exiting the JVM.
     *
     * @param in the request body for {@code ubiq run} (read to its end); not closed
     * @param out the guest's stdout, a reactor's response, {@code inspect}'s report, help text
     * @param err the guest's log and {@code ubiq: error: ...} lines
     * @return the process exit code, see {@link ExitCodes}
     */
    public static int execute(String[] args, InputStream in, PrintStream out, PrintStream err) {
        return execute(args, new Io(in, out, err, System.getenv(), err == System.err && stderrIsTerminal()));
    }

    /** As {@link #execute(String[], InputStream, PrintStream, PrintStream)} with a given environment. */
    static int execute(String[] args, InputStream in, PrintStream out, PrintStream err, Map<String, String> env) {
        return execute(args, new Io(in, out, err, Map.copyOf(env), false));
    }

    private static int execute(String[] args, Io io) {
        PrintStream out = io.out();
        PrintStream err = io.err();
        CommandLine cl = new CommandLine(new UbiqCli(io))
                .addSubcommand(new RunCommand(io))
                .addSubcommand(new InspectCommand(io))
                .addSubcommand(new SnapshotCommand(io))
                .addSubcommand(new ServeCommand(io))
                .addSubcommand(new NodeCommands.Deploy(io))
                .addSubcommand(new NodeCommands.Invoke(io))
                .addSubcommand(new NodeCommands.Ls(io))
                .addSubcommand(new NodeCommands.Rm(io))
                .addSubcommand(new NodeCommands.Logs(io))
                .addSubcommand(new NodeCommands.Status(io))
                .addSubcommand(new CommandLine.HelpCommand());
        PrintWriter outWriter = new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true);
        PrintWriter errWriter = new PrintWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8), true);
        cl.setOut(outWriter);
        cl.setErr(errWriter);
        // run: everything after the module path belongs to the guest, "@file" included; the node
        // commands take options after their positionals (ubiq invoke NAME --data ...)
        cl.getSubcommands().get("run").setStopAtPositional(true);
        cl.getSubcommands().get("inspect").setStopAtPositional(true);
        cl.setExpandAtFiles(false);
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setParameterExceptionHandler((ex, args2) -> {
            String command = ex.getCommandLine().getCommandSpec().qualifiedName();
            err.println("ubiq: error: " + oneLine(ex.getMessage()) + " (see '" + command + " --help')");
            return ExitCodes.USAGE;
        });
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            if (ex instanceof CliFailure f) {
                err.println("ubiq: error: " + oneLine(f.getMessage()));
                return f.exitCode;
            }
            err.println("ubiq: error: internal error: " + oneLine(String.valueOf(ex)));
            if (System.getenv("UBIQ_DEBUG") != null) {
                ex.printStackTrace(err);
            }
            return ExitCodes.HOST_ERROR;
        });
        int code = cl.execute(args);
        outWriter.flush();
        errWriter.flush();
        out.flush();
        err.flush();
        return code;
    }

    /** {@code ubiq} alone: show what there is. */
    @Override
    public Integer call() {
        spec.commandLine().usage(spec.commandLine().getErr());
        return ExitCodes.USAGE;
    }

    /** Error messages are one line: a multi-line message from a library is folded. */
    static String oneLine(String message) {
        return message == null ? "" : message.strip().replaceAll("\\s*\\R\\s*", "; ");
    }

    private static boolean stdinIsTerminal() {
        String told = System.getProperty(STDIN_TTY_PROPERTY);
        if (told != null) {
            return Boolean.parseBoolean(told);
        }
        // Since JDK 22 System.console() is non-null even when redirected; isTerminal() tells.
        Console c = System.console();
        return c != null && c.isTerminal();
    }

    /**
     * Whether stderr is a terminal. {@code System.console()} looks at stdin and stdout only, so on
     * Linux this reads where file descriptor 2 points; elsewhere it says no (no progress bar).
     */
    private static boolean stderrIsTerminal() {
        String told = System.getProperty(STDERR_TTY_PROPERTY);
        if (told != null) {
            return Boolean.parseBoolean(told);
        }
        try {
            String target = Files.readSymbolicLink(Path.of("/proc/self/fd/2")).toString();
            return target.startsWith("/dev/pts/") || target.startsWith("/dev/tty");
        } catch (java.io.IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }

    /** {@code ubiq --version}: this build, the Chicory it embeds, and the JVM running it. */
    static final class VersionProvider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {
                "ubiq " + Versions.UBIQ,
                "chicory " + Versions.CHICORY,
                "java " + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")"
            };
        }
    }
}
