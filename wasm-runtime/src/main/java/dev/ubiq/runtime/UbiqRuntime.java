package dev.ubiq.runtime;

import dev.ubiq.runtime.UbiqException.FunctionNotFoundException;
import dev.ubiq.runtime.engine.Engine;
import dev.ubiq.runtime.hostcalls.HostAbiConfig;
import dev.ubiq.runtime.internal.AbiHost;
import dev.ubiq.runtime.internal.ChicoryEngine;
import dev.ubiq.runtime.internal.CodeCache;
import dev.ubiq.runtime.internal.FunctionVersion;
import dev.ubiq.runtime.internal.Watchdog;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * The embeddable Ubiq runtime: deploy Wasm modules as named functions and invoke them with limits
 * enforced. Invocations run on the calling thread (bring your own executor; never an event loop).
 * Thread-safe.
 *
 * <pre>{@code
 * try (UbiqRuntime runtime = UbiqRuntime.builder()
 *         .withLimits(Limits.builder().withDefaultMaxMemoryBytes(32L << 20).withDefaultTimeoutMs(2_000).build())
 *         .build()) {
 *     runtime.deploy("hello", Files.readAllBytes(Path.of("hello.wasm")));
 *     InvocationResult r = runtime.invoke("hello", Request.of("world"));
 *     System.out.println(r.outcome() + " " + r.outputAsString());
 * }
 * }</pre>
 */
public final class UbiqRuntime implements AutoCloseable {
    private final Engine engine;
    private final Limits limits;
    private final Watchdog watchdog;
    private final FunctionRegistry registry;
    private final AbiHost abi;

    private UbiqRuntime(Builder b) {
        this.limits = b.limits;
        this.engine = b.engine != null
                ? b.engine
                : new ChicoryEngine(b.interpreterOnly, b.codeCacheDir == null ? null : new CodeCache(b.codeCacheDir), b.log);
        FunctionRegistry[] holder = new FunctionRegistry[1];
        this.watchdog = new Watchdog(() -> {
            if (holder[0] != null) {
                holder[0].expireIdle(System.nanoTime());
            }
        });
        this.abi = new AbiHost(b.hostAbi, limits, name -> holder[0] == null ? null : holder[0].lookup(name),
                b.nestedSink, b.log);
        var ctx = new FunctionVersion.Context(limits, watchdog, b.meteringSink, new AtomicLong(), b.cpuMetering,
                b.snapshotStore, b.log, abi);
        this.registry = new FunctionRegistry(engine, ctx);
        holder[0] = registry;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Deploys a module under {@code name} with default settings (shape inferred from its exports). */
    public DeployedFunction deploy(String name, byte[] wasm) {
        return registry.deploy(wasm, Manifest.builder(name).build());
    }

    /** Deploys a module with a manifest; see {@link FunctionRegistry#deploy}. */
    public DeployedFunction deploy(byte[] wasm, Manifest manifest) {
        return registry.deploy(wasm, manifest);
    }

    /** Removes a function; see {@link FunctionRegistry#undeploy}. */
    public void undeploy(String name) {
        registry.undeploy(name);
    }

    /** Every deployed function. */
    public List<DeployedFunction> functions() {
        return registry.list();
    }

    /** The registry itself, for callers that manage many functions. */
    public FunctionRegistry registry() {
        return registry;
    }

    /** Counters and latency percentiles of one function. */
    public FunctionStats stats(String name) {
        FunctionStats s = registry.stats(name);
        if (s == null) {
            throw new FunctionNotFoundException(name);
        }
        return s;
    }

    /**
     * Invokes a function on the calling thread and waits for it. Every guest behaviour (trap,
     * timeout, memory limit, non-zero exit, busy) comes back as the result's {@link Outcome};
     * an unknown name gives {@link Outcome#NOT_FOUND}.
     */
    public InvocationResult invoke(String name, Request request) {
        FunctionVersion fv = registry.lookup(name);
        if (fv == null) {
            return new InvocationResult(Outcome.NOT_FOUND, new byte[0], new byte[0], -1,
                    "no function named '" + name + "' is deployed", null);
        }
        return fv.invoke(request);
    }

    /** Shorthand for {@code invoke(name, Request.of(body))}. */
    public InvocationResult invoke(String name, byte[] body) {
        return invoke(name, Request.of(body));
    }

    public Limits limits() {
        return limits;
    }

    public Engine engine() {
        return engine;
    }

    /** The host ABI ({@code ubiq:v1}) state: KV store, channels. For the node and tests. */
    public AbiHost hostAbi() {
        return abi;
    }

    @Override
    public void close() {
        registry.closeAll();
        watchdog.close();
        abi.close();
    }

    /** Builds a runtime; every setting has a default. */
    public static final class Builder {
        private Limits limits = Limits.defaults();
        private Path codeCacheDir;
        private boolean interpreterOnly;
        private Engine engine;
        private Consumer<String> log;
        private SnapshotStore snapshotStore;
        private Consumer<MeteringRecord> meteringSink;
        private CpuMetering cpuMetering = CpuMetering.ADAPTIVE;
        private HostAbiConfig hostAbi = HostAbiConfig.defaults();
        private Consumer<InvocationResult> nestedSink;

        private Builder() {
            System.Logger logger = System.getLogger("dev.ubiq.runtime");
            log = line -> logger.log(System.Logger.Level.WARNING, line);
        }

        /** Limits and defaults; {@link Limits#defaults()} when unset. */
        public Builder withLimits(Limits v) {
            limits = v;
            return this;
        }

        /**
         * Keeps compiled code in this directory so a restart does not recompile. Default: none
         * (compile on every deploy). Costs disk: roughly 3-10x the module size per function.
         */
        public Builder withCodeCacheDir(Path v) {
            codeCacheDir = v;
            return this;
        }

        /** Runs every function in Chicory's interpreter instead of compiling. Default false. */
        public Builder withInterpreterOnly(boolean v) {
            interpreterOnly = v;
            return this;
        }

        /** Another engine behind the same SPI (ignores the code cache and interpreter settings). */
        public Builder withEngine(Engine v) {
            engine = v;
            return this;
        }

        /** Receives runtime events (interpreter fallback, cache failures). Default: System.Logger. */
        /**
         * Persists pre-initialised snapshots (default: none, snapshots live in memory only and every
         * restart initialises functions again). See {@link SnapshotStore}.
         */
        public Builder withSnapshotStore(SnapshotStore v) {
            snapshotStore = v;
            return this;
        }

        public Builder withLogSink(Consumer<String> v) {
            log = v;
            return this;
        }

        /** Receives every invocation's {@link MeteringRecord} on the invoking thread. Default none. */
        public Builder withMeteringSink(Consumer<MeteringRecord> v) {
            meteringSink = v;
            return this;
        }

        /** When invocations' thread CPU time is measured; see {@link CpuMetering}. Default ADAPTIVE. */
        public Builder withCpuMetering(CpuMetering v) {
            cpuMetering = v;
            return this;
        }

        /** {@code true} is {@link CpuMetering#ALWAYS}, {@code false} {@link CpuMetering#OFF}. */
        public Builder withCpuMetering(boolean v) {
            return withCpuMetering(v ? CpuMetering.ALWAYS : CpuMetering.OFF);
        }

        /** Settings of the {@code ubiq:v1} hostcalls (KV caps and backend, call depth, channels). Default {@link HostAbiConfig#defaults()}. */
        public Builder withHostAbi(HostAbiConfig v) {
            hostAbi = v;
            return this;
        }

        /**
         * Receives the result of every invocation one function makes of another ({@code call},
         * {@code spawn}), on the invoking thread, so the callee's log can be kept. Default none.
         */
        public Builder withNestedInvocationSink(Consumer<InvocationResult> v) {
            nestedSink = v;
            return this;
        }

        public UbiqRuntime build() {
            return new UbiqRuntime(this);
        }
    }
}
