package dev.ubiq.tools;

import dev.ubiq.node.NodeConfig;
import dev.ubiq.node.UbiqNode;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ubiq serve}: a {@link UbiqNode} in the foreground until SIGINT or SIGTERM. Log lines go to
 * stderr; once the node listens and every {@code --deploy} is in place, one line goes to stdout:
 *
 * <pre>
 * ubiq: serving http://127.0.0.1:8080 (admin token in /tmp/ubiq-demo/admin.token, invoke token in /tmp/ubiq-demo/invoke.token)
 * </pre>
 *
 * With {@code --port 0} that line carries the port the system picked.
 */
@Command(name = "serve",
        mixinStandardHelpOptions = true,
        versionProvider = UbiqCli.VersionProvider.class,
        description = {
            "Runs a Ubiq node in the foreground: the HTTP API over the functions stored in the "
                    + "data directory, which it restores on start. Stops on Ctrl-C or SIGTERM, letting calls in "
                    + "flight finish (up to 5 s).",
            "On first start it creates DATA_DIR/admin.token and DATA_DIR/invoke.token (mode 0600). Once it serves "
                    + "it prints one line to stdout: 'ubiq: serving URL (admin token in ..., invoke token in ...)'. "
                    + "Log lines go to stderr."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "1:cannot listen (port taken, address not local), cannot write the data directory, a --deploy failed to store",
            "2:usage error (bad flags, --deploy module or manifest missing, invalid manifest)",
            "125:a --deploy module's initial memory is above the node's memory limit",
            "126:a --deploy module is malformed, invalid, too large, unlinkable, or fails to instantiate",
            "143:stopped by SIGTERM, after closing the node (130 for SIGINT, Ctrl-C)"
        })
final class ServeCommand implements Callable<Integer> {
    @Option(names = "--port", paramLabel = "N",
            description = "TCP port; 0 picks a free one (printed in the 'serving' line). Default: 8080.")
    int port = 8080;

    @Option(names = "--bind", paramLabel = "ADDR",
            description = "Address to listen on. Default: 127.0.0.1 (this machine only); 0.0.0.0 for every interface.")
    String bind = "127.0.0.1";

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Modules, manifests, tokens and the compiled-code cache. "
                    + "Default: $XDG_DATA_HOME/ubiq, else ~/.local/share/ubiq.")
    Path dataDir;

    @Option(names = "--tls-cert", paramLabel = "FILE", description = "PEM certificate chain: serve HTTPS (needs --tls-key).")
    Path tlsCert;

    @Option(names = "--tls-key", paramLabel = "FILE", description = "PEM PKCS#8 private key of --tls-cert.")
    Path tlsKey;

    @Option(names = "--public-routes",
            description = "Manifest routes (route = \"/path\") answer without a token. Default: a token is needed.")
    boolean publicRoutes;

    @Option(names = "--max-concurrency", paramLabel = "N",
            description = "Invocations running at once on the node, all functions together, one thread each; "
                    + "beyond it a call gets 503 at once. Default: 64.")
    Integer maxConcurrency;

    @Option(names = "--kv-max-mb", paramLabel = "N",
            description = "Bytes the ubiq:v1 key-value store keeps in memory (keys, values, 64 B per entry), all "
                    + "namespaces together; kept in DATA_DIR/kv and reloaded on start. Default: 64.")
    Integer kvMaxMb;

    @Option(names = "--deploy", paramLabel = "NAME=MODULE.wasm[:MANIFEST]",
            description = "Deploys MODULE as NAME at start-up, with a TOML or JSON manifest after a ':'; skipped when "
                    + "the same module bytes and manifest are already current, so restarting with the same flags "
                    + "changes nothing. Repeatable.")
    List<String> deploys = new ArrayList<>();

    private final UbiqCli.Io io;

    ServeCommand(UbiqCli.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws InterruptedException {
        if (port < 0 || port > 65535) {
            throw new CliFailure(ExitCodes.USAGE, "--port " + port + " is out of range [0, 65535]");
        }
        if (maxConcurrency != null && maxConcurrency < 1) {
            throw new CliFailure(ExitCodes.USAGE, "--max-concurrency " + maxConcurrency + " must be at least 1");
        }
        if (kvMaxMb != null && kvMaxMb < 1) {
            throw new CliFailure(ExitCodes.USAGE, "--kv-max-mb " + kvMaxMb + " must be at least 1");
        }
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new CliFailure(ExitCodes.USAGE, "HTTPS needs both --tls-cert and --tls-key");
        }
        for (Path f : tlsCert == null ? List.<Path>of() : List.of(tlsCert, tlsKey)) {
            if (!Files.isReadable(f)) {
                throw new CliFailure(ExitCodes.USAGE, "TLS file '" + f + "' does not exist or is not readable");
            }
        }
        // every --deploy is checked before the node starts: a typo costs no start-up
        List<StartupDeploys.Spec> specs = deploys.stream().map(StartupDeploys.Spec::parse).toList();
        for (StartupDeploys.Spec s : specs) {
            for (Path f : s.manifest() == null ? List.of(s.module()) : List.of(s.module(), s.manifest())) {
                if (!Files.isRegularFile(f)) {
                    throw new CliFailure(ExitCodes.USAGE, "--deploy " + s.name() + ": file '" + f + "' does not exist");
                }
            }
        }

        Path dir = (dataDir != null ? dataDir : NodeConfig.defaultDataDir()).toAbsolutePath();
        UbiqNode.Builder b = UbiqNode.builder()
                .withBindAddress(bind)
                .withPort(port)
                .withDataDir(dir)
                .withPublicRoutes(publicRoutes)
                .withLog(this::log);
        if (maxConcurrency != null) {
            b.withMaxConcurrentInvocations(maxConcurrency);
        }
        if (kvMaxMb != null) {
            b.withHostAbi(dev.ubiq.runtime.hostcalls.HostAbiConfig.builder().withKvMaxBytes((long) kvMaxMb << 20).build());
        }
        if (tlsCert != null) {
            b.withTls(tlsCert, tlsKey);
        }
        UbiqNode node;
        try {
            node = b.start();
        } catch (UncheckedIOException e) {
            throw new CliFailure(ExitCodes.HOST_ERROR, e.getCause().getMessage());
        } catch (IllegalArgumentException e) {
            throw new CliFailure(ExitCodes.USAGE, e.getMessage());
        }
        Thread hook = new Thread(() -> {
            log("stopping");
            node.close();
            log("stopped");
        }, "ubiq-serve-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            for (StartupDeploys.Spec s : specs) {
                log(StartupDeploys.apply(node, s));
            }
            io.out().println("ubiq: serving " + url(node) + " (admin token in " + dir.resolve("admin.token")
                    + ", invoke token in " + dir.resolve("invoke.token") + ")");
            io.out().flush();
            node.awaitShutdown();
        } finally {
            node.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is what stopped us
            }
        }
        return ExitCodes.OK;
    }

    private String url(UbiqNode node) {
        String host = bind.contains(":") && !bind.startsWith("[") ? "[" + bind + "]" : bind;
        return (tlsCert == null ? "http" : "https") + "://" + host + ":" + node.port();
    }

    private void log(String line) {
        io.err().println(Instant.now().truncatedTo(ChronoUnit.MILLIS) + " " + line);
    }
}
