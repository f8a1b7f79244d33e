package dev.ubiq.node;

import dev.ubiq.node.internal.FunctionStore;
import dev.ubiq.node.internal.HttpServer;
import dev.ubiq.node.internal.InvokerPool;
import dev.ubiq.node.internal.NodeState;
import dev.ubiq.node.internal.Tokens;
import dev.ubiq.runtime.DeployedFunction;
import dev.ubiq.runtime.Limits;
import dev.ubiq.runtime.Manifest;
import dev.ubiq.runtime.UbiqException;
import dev.ubiq.runtime.UbiqRuntime;
import dev.ubiq.runtime.hostcalls.FileKvBackend;
import dev.ubiq.runtime.hostcalls.HostAbiConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A Ubiq node: a runtime served over HTTP, with its functions persisted in a data directory and
 * restored on start. See {@code docs/http-api.md} for the API.
 *
 * <pre>{@code
 * try (UbiqNode node = UbiqNode.builder().withPort(8080).withDataDir(Path.of("/var/lib/ubiq")).start()) {
 *     System.out.println("admin token: " + node.adminToken());
 *     node.awaitShutdown();
 * }
 * }</pre>
 */
public final class UbiqNode implements AutoCloseable {
    private final NodeConfig config;
    private final UbiqRuntime runtime;
    private final NodeState state;
    private final HttpServer server;
    private final Tokens tokens;
    private final InvokerPool invokers;
    private final ExecutorService admin;
    private final java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();

    private UbiqNode(NodeConfig config, HostAbiConfig hostAbi, Consumer<String> log) throws IOException {
        this.config = config;
        Path dataDir = config.dataDir();
        Files.createDirectories(dataDir);
        this.tokens = Tokens.loadOrCreate(dataDir);
        if (tokens.created()) {
            log.accept("created tokens: " + dataDir.resolve("admin.token") + " (admin), "
                    + dataDir.resolve("invoke.token") + " (invoke), mode 0600");
        }
        NodeState[] stateRef = new NodeState[1];
        this.runtime = UbiqRuntime.builder()
                .withLimits(config.limits())
                .withCodeCacheDir(dataDir.resolve("code-cache"))
                // pre-initialised snapshots survive a restart: functions fork from them instead of running init again
                .withSnapshotStore(new dev.ubiq.snapshot.FileSnapshotStore(dataDir, log))
                .withLogSink(log)
                // ubiq:v1 key-value data lives in the data directory and survives a restart
                .withHostAbi(withKvBackend(hostAbi, dataDir))
                // a callee's log goes to its own log ring, as if it had been invoked over HTTP
                .withNestedInvocationSink(r -> {
                    if (stateRef[0] != null) {
                        stateRef[0].record(r);
                    }
                })
                .build();
        int n = config.maxConcurrentInvocations();
        // at most n admitted, each on its own thread: the next request is refused at once (503)
        this.invokers = new InvokerPool(n, "ubiq-invoke-",
                e -> log.accept("an invocation task failed in the host: " + e));
        this.admin = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ubiq-admin-", 0).factory());
        FunctionStore store = new FunctionStore(dataDir);
        this.state = new NodeState(config, runtime, store, tokens, invokers, admin, log);
        stateRef[0] = state;
        for (FunctionStore.Stored s : store.loadAll(log)) {
            try {
                state.restore(s);
            } catch (UbiqException e) {
                log.accept("could not restore function '" + s.name() + "' version " + s.version() + ": " + e.getMessage());
            }
        }
        Limits l = config.limits();
        int maxContent = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(l.maxModuleBytes() + (1 << 20), l.maxPayloadBytes() + 1));
        try {
            this.server = new HttpServer(state, maxContent);
        } catch (Exception e) {
            close();
            throw new IOException("cannot listen on " + config.bindAddress() + ":" + config.port() + ": " + e.getMessage(), e);
        }
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The node's host ABI settings: the given ones, with the file-backed KV store unless another backend is set. */
    private static HostAbiConfig withKvBackend(HostAbiConfig c, Path dataDir) throws IOException {
        if (c.kvBackend() != null) {
            return c;
        }
        return new HostAbiConfig(c.kvMaxBytes(), c.kvMaxKeyBytes(), c.kvMaxValueBytes(),
                new FileKvBackend(dataDir.resolve("kv")), c.maxCallDepth(), c.maxSpawnsPerInvocation(),
                c.maxConcurrentSpawns(), c.channelCapacity(), c.channelMaxMessageBytes(), c.maxChannels(),
                c.channelMaxQueuedBytes());
    }

    /** The port it listens on (useful with port 0). */
    public int port() {
        return server.port();
    }

    public String adminToken() {
        return tokens.admin();
    }

    public String invokeToken() {
        return tokens.invoke();
    }

    public NodeConfig config() {
        return config;
    }

    /** The embedded runtime (for in-process callers and tests). */
    public UbiqRuntime runtime() {
        return runtime;
    }

    /** Deploys and persists a function, as {@code PUT /v1/functions/NAME} does. */
    public DeployedFunction deploy(String name, byte[] wasm, Manifest manifest) {
        return state.deploy(name, wasm, manifest);
    }

    /** Blocks until {@link #close()} is called (from a shutdown hook, say). */
    public void awaitShutdown() throws InterruptedException {
        closed.await();
    }

    @Override
    public void close() {
        // a shutdown hook and try-with-resources may both call this, even at once
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        if (server != null) {
            server.close();
        }
        invokers.close();
        admin.shutdown();
        try {
            invokers.awaitTermination(5, TimeUnit.SECONDS);
            admin.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        runtime.close();
        closed.countDown();
    }

    /** Builds a node; every setting has a documented default (see {@link NodeConfig}). */
    public static final class Builder {
        private String bindAddress = "127.0.0.1";
        private int port = 8080;
        private Path dataDir = NodeConfig.defaultDataDir();
        private Limits limits = Limits.defaults();
        private int maxConcurrentInvocations = 64;
        private long requestTimeoutMs = 30_000;
        private long idleTimeoutMs = 60_000;
        private int maxHeaderBytes = 16 * 1024;
        private boolean publicRoutes;
        private Path tlsCert;
        private Path tlsKey;
        private int logLines = 1000;
        private Consumer<String> log = line -> System.getLogger("dev.ubiq.node").log(System.Logger.Level.INFO, line);
        private HostAbiConfig hostAbi = HostAbiConfig.defaults();

        public Builder withBindAddress(String v) {
            bindAddress = v;
            return this;
        }

        public Builder withPort(int v) {
            port = v;
            return this;
        }

        public Builder withDataDir(Path v) {
            dataDir = v;
            return this;
        }

        public Builder withLimits(Limits v) {
            limits = v;
            return this;
        }

        public Builder withMaxConcurrentInvocations(int v) {
            maxConcurrentInvocations = v;
            return this;
        }

        public Builder withRequestTimeoutMs(long v) {
            requestTimeoutMs = v;
            return this;
        }

        public Builder withIdleTimeoutMs(long v) {
            idleTimeoutMs = v;
            return this;
        }

        public Builder withMaxHeaderBytes(int v) {
            maxHeaderBytes = v;
            return this;
        }

        public Builder withPublicRoutes(boolean v) {
            publicRoutes = v;
            return this;
        }

        /** HTTPS with a PEM certificate chain and PEM (PKCS#8) private key. */
        public Builder withTls(Path cert, Path key) {
            tlsCert = cert;
            tlsKey = key;
            return this;
        }

        public Builder withLogLinesPerFunction(int v) {
            logLines = v;
            return this;
        }

        /** Receives the node's own log lines (start-up, restore problems, host errors). */
        public Builder withLog(Consumer<String> v) {
            log = v;
            return this;
        }

        /**
         * Settings of the {@code ubiq:v1} hostcalls (KV byte cap, call depth, spawn and channel
         * bounds). Default {@link HostAbiConfig#defaults()}. Unless the config names another KV
         * backend, KV data is kept in {@code <data-dir>/kv} and survives a restart.
         */
        public Builder withHostAbi(HostAbiConfig v) {
            hostAbi = java.util.Objects.requireNonNull(v, "hostAbi");
            return this;
        }

        /** Validates the configuration, restores stored functions and starts listening. */
        public UbiqNode start() {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
            if (maxConcurrentInvocations < 1 || requestTimeoutMs < 1 || idleTimeoutMs < 1 || maxHeaderBytes < 1024 || logLines < 1) {
                throw new IllegalArgumentException("node limits must be positive (header limit at least 1024 bytes)");
            }
            if ((tlsCert == null) != (tlsKey == null)) {
                throw new IllegalArgumentException("TLS needs both a certificate and a key");
            }
            NodeConfig c = new NodeConfig(bindAddress, port, dataDir.toAbsolutePath(), limits, maxConcurrentInvocations,
                    requestTimeoutMs, idleTimeoutMs, maxHeaderBytes, publicRoutes, tlsCert, tlsKey, logLines);
            try {
                return new UbiqNode(c, hostAbi, log);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
