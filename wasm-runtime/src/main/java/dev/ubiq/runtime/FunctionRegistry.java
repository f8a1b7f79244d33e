package dev.ubiq.runtime;

import dev.ubiq.abi.FunctionShape;
import dev.ubiq.abi.ReactorAbi;
import dev.ubiq.abi.WasiCommandAbi;
import dev.ubiq.runtime.UbiqException.FunctionNotFoundException;
import dev.ubiq.runtime.UbiqException.InvalidManifestException;
import dev.ubiq.runtime.UbiqException.InvalidModuleException;
import dev.ubiq.runtime.UbiqException.LimitExceededException;
import dev.ubiq.runtime.engine.CompiledModule;
import dev.ubiq.runtime.engine.Engine;
import dev.ubiq.runtime.engine.ModuleInfo;
import dev.ubiq.runtime.internal.FunctionMetrics;
import dev.ubiq.runtime.internal.FunctionVersion;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The deployed functions of one runtime, by name. A deploy validates, compiles and trial-runs the
 * module before anything is registered, so a bad module never replaces a good one; versions count
 * up per name. Thread-safe: lookups are one hash-map read.
 *
 * <pre>{@code
 * DeployedFunction f = registry.deploy(bytes, Manifest.builder("hello").build());
 * registry.list(); registry.undeploy("hello");
 * }</pre>
 */
public final class FunctionRegistry {
    private final Engine engine;
    private final FunctionVersion.Context ctx;
    private final ConcurrentHashMap<String, Entry> functions = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, FunctionMetrics> metrics = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, Integer> lastVersion = new ConcurrentHashMap<>();

    private record Entry(FunctionVersion version, DeployedFunction info) {}

    FunctionRegistry(Engine engine, FunctionVersion.Context ctx) {
        this.engine = engine;
        this.ctx = ctx;
    }

    /**
     * Deploys {@code wasm} under {@code manifest.name()}, replacing any earlier version once the new
     * one has proven it instantiates. Invocations already running on the old version finish on it.
     *
     * @throws LimitExceededException module above {@link Limits#maxModuleBytes()}, or a manifest
     *     value above the node's caps
     * @throws UbiqException.MalformedModuleException not a WebAssembly binary
     * @throws InvalidModuleException fails validation, or fits no function shape
     * @throws UbiqException.UnlinkableModuleException imports the host does not provide
     * @throws UbiqException.InstantiationException the start function or init export traps
     * @throws InvalidManifestException a manifest value is out of range or a preopened directory is missing
     */
    public DeployedFunction deploy(byte[] wasm, Manifest manifest) {
        return commit(prepare(wasm, manifest, 0));
    }

    /**
     * A deploy that has passed every check (compiled, trial-instantiated) but is not live yet.
     * {@link #commit} makes it live; {@link #abort} drops it. Lets a caller persist the module
     * between the two, so a failed write never leaves a live function without its files.
     */
    public static final class Prepared {
        private final FunctionVersion version;
        private final DeployedFunction info;
        private boolean done;

        private Prepared(FunctionVersion version, DeployedFunction info) {
            this.version = version;
            this.info = info;
        }

        /** What the function will look like once committed (its version number included). */
        public DeployedFunction info() {
            return info;
        }
    }

    /**
     * Validates, compiles and trial-runs a module without making it live; see {@link #deploy} for
     * the errors. The version number is taken now.
     *
     * @param version 0 for the next version of the name; a positive number to restore a version
     *     recorded elsewhere (later deploys then continue above it)
     */
    public Prepared prepare(byte[] wasm, Manifest manifest, int version) {
        String name = manifest.name();
        if (!Manifest.isValidName(name)) {
            throw new InvalidManifestException("invalid function name '" + name
                    + "' (1-64 of [A-Za-z0-9_-], starting with a letter or digit)");
        }
        if (version < 0) {
            throw new IllegalArgumentException("version must not be negative: " + version);
        }
        Limits limits = ctx.limits();
        if (wasm.length > limits.maxModuleBytes()) {
            throw new LimitExceededException("function '" + name + "': module of " + wasm.length
                    + " bytes exceeds the module size limit of " + limits.maxModuleBytes() + " bytes");
        }
        CompiledModule compiled = engine.compile(wasm, name);
        FunctionConfig config = resolve(manifest, compiled.info(), limits);
        Map<String, Path> preopens = preopens(config);
        FunctionMetrics m = metrics.computeIfAbsent(name, FunctionMetrics::new);
        // Unique and increasing per name; a deploy that fails its trial run leaves a gap.
        int v = version == 0 ? lastVersion.merge(name, 1, Integer::sum) : lastVersion.merge(name, version, Math::max);
        int assigned = version == 0 ? v : version;
        FunctionVersion live = FunctionVersion.create(config, assigned, compiled, m, ctx, preopens);
        DeployedFunction info = new DeployedFunction(assigned, config, compiled.info(), compiled.mode(),
                compiled.interpretedFunctions().size(), compiled.loadedFromCache(), System.currentTimeMillis());
        return new Prepared(live, info);
    }

    /**
     * Makes a prepared deploy live, replacing the current version unless a newer one was
     * committed meanwhile (then this one is dropped). Invocations running on the old version
     * finish on it.
     */
    public DeployedFunction commit(Prepared p) {
        synchronized (p) {
            if (p.done) {
                throw new IllegalStateException("already committed or aborted");
            }
            p.done = true;
        }
        String name = p.info.name();
        int version = p.info.version();
        Entry fresh = new Entry(p.version, p.info);
        Entry[] replaced = new Entry[1];
        // concurrent deploys of one name: the highest version wins, the loser is closed
        functions.compute(name, (k, cur) -> {
            if (cur != null && cur.info().version() > version) {
                replaced[0] = fresh;
                return cur;
            }
            replaced[0] = cur;
            return fresh;
        });
        if (replaced[0] != null) {
            replaced[0].version().close();
        }
        return p.info;
    }

    /** Drops a prepared deploy; the live version (if any) is untouched. */
    public void abort(Prepared p) {
        synchronized (p) {
            if (p.done) {
                return;
            }
            p.done = true;
        }
        p.version.close();
    }

    /**
     * Removes a function. Invocations in flight finish; its instances are then dropped.
     *
     * @throws FunctionNotFoundException when nothing of that name is deployed
     */
    public void undeploy(String name) {
        Entry e = functions.remove(name);
        if (e == null) {
            throw new FunctionNotFoundException(name);
        }
        e.version().close();
        metrics.remove(name);
        if (ctx.snapshots() != null) {
            ctx.snapshots().deleteAll(name);
        }
    }

    /** The live version of {@code name}, or {@code null}. */
    public FunctionVersion lookup(String name) {
        Entry e = functions.get(name);
        return e == null ? null : e.version();
    }

    /** The deployed function's description, or {@code null}. */
    public DeployedFunction describe(String name) {
        Entry e = functions.get(name);
        return e == null ? null : e.info();
    }

    /** Every deployed function, by name. */
    public List<DeployedFunction> list() {
        return functions.values().stream().map(Entry::info)
                .sorted(Comparator.comparing(DeployedFunction::name)).toList();
    }

    /** Counters of a deployed function, or {@code null}. */
    public FunctionStats stats(String name) {
        Entry e = functions.get(name);
        FunctionMetrics m = metrics.get(name);
        if (e == null || m == null) {
            return null;
        }
        return m.snapshot(e.version().inFlight(), e.version().liveInstances(), e.version().idleInstances());
    }

    void expireIdle(long nowNs) {
        for (Entry e : functions.values()) {
            e.version().expireIdle(nowNs);
        }
    }

    void closeAll() {
        for (Entry e : functions.values()) {
            e.version().close();
        }
        functions.clear();
    }

    private static Map<String, Path> preopens(FunctionConfig config) {
        Map<String, Path> out = new LinkedHashMap<>();
        config.dirs().forEach((guest, host) -> {
            Path p = Path.of(host).toAbsolutePath().normalize();
            if (!Files.isDirectory(p)) {
                throw new InvalidManifestException("function '" + config.name() + "': dirs: host path '" + host
                        + "' for guest path '" + guest + "' is not an existing directory");
            }
            out.put(guest, p);
        });
        return out;
    }

    static FunctionConfig resolve(Manifest m, ModuleInfo info, Limits limits) {
        String name = m.name();
        FunctionShape shape = m.shape() != null ? m.shape() : FunctionShape.infer(info.exportNames());
        if (shape == null) {
            throw new InvalidModuleException("function '" + name + "': the module exports neither "
                    + WasiCommandAbi.START + " (WASI command) nor " + ReactorAbi.HANDLE
                    + " (reactor); exports: " + info.exportNames(), null);
        }
        checkShape(name, shape, info);
        long mem = cap(name, "max_memory_mb", m.maxMemoryBytes(), limits.defaultMaxMemoryBytes(), limits.maxMemoryCapBytes());
        long timeout = cap(name, "timeout_ms", m.timeoutMs(), limits.defaultTimeoutMs(), limits.maxTimeoutMs());
        int conc = (int) cap(name, "max_concurrency", m.maxConcurrency() == null ? null : (long) m.maxConcurrency(),
                limits.defaultMaxConcurrency(), limits.maxConcurrencyCap());
        boolean reactor = shape == FunctionShape.REACTOR;
        if (!reactor && (m.minWarm() != null || m.reuseInstances() != null)) {
            throw new InvalidManifestException("function '" + name
                    + "': min_warm and reuse_instances apply to reactors only (WASI commands get a fresh instance per call)");
        }
        boolean reuse = reactor && (m.reuseInstances() == null || m.reuseInstances());
        int minWarm = reuse ? Math.min(conc, m.minWarm() == null ? FunctionConfig.DEFAULT_MIN_WARM : m.minWarm()) : 0;
        long ttl = m.idleTtlMs() == null ? FunctionConfig.DEFAULT_IDLE_TTL_MS : m.idleTtlMs();
        if (m.init() != null) {
            requireExport(name, exportMap(info), m.init(), "function", "() -> ()");
        }
        return new FunctionConfig(name, shape, mem, timeout, conc, minWarm, ttl, reuse, m.args(), m.env(),
                m.dirs(), m.capabilities(), m.route(), m.config(), m.init(), m.snapshot() == null || m.snapshot());
    }

    private static Map<String, ModuleInfo.Export> exportMap(ModuleInfo info) {
        Map<String, ModuleInfo.Export> ex = new LinkedHashMap<>();
        info.exports().forEach(e -> ex.put(e.name(), e));
        return ex;
    }

    private static void checkShape(String name, FunctionShape shape, ModuleInfo info) {
        Map<String, ModuleInfo.Export> ex = new LinkedHashMap<>();
        info.exports().forEach(e -> ex.put(e.name(), e));
        if (shape == FunctionShape.WASI_COMMAND) {
            requireExport(name, ex, WasiCommandAbi.START, "function", "() -> ()");
        } else {
            requireExport(name, ex, ReactorAbi.MEMORY, "memory", null);
            requireExport(name, ex, ReactorAbi.ALLOC, "function", "(i32) -> (i32)");
            requireExport(name, ex, ReactorAbi.HANDLE, "function", "(i32, i32) -> (i64)");
            if (ex.containsKey(ReactorAbi.INIT)) {
                requireExport(name, ex, ReactorAbi.INIT, "function", "() -> ()");
            }
        }
    }

    private static void requireExport(String name, Map<String, ModuleInfo.Export> ex, String export, String kind,
            String type) {
        ModuleInfo.Export e = ex.get(export);
        if (e == null || !e.kind().equals(kind) || (type != null && !e.type().equals(type))) {
            throw new InvalidModuleException("function '" + name + "': expected export '" + export + "' "
                    + kind + (type == null ? "" : " " + type) + ", found "
                    + (e == null ? "none" : e.kind() + " " + e.type()), null);
        }
    }

    private static long cap(String name, String field, Long asked, long dflt, long max) {
        if (asked == null) {
            return dflt;
        }
        if (asked > max) {
            throw new LimitExceededException("function '" + name + "': " + field + " asks for "
                    + (field.equals("max_memory_mb") ? (asked >> 20) + " MiB" : asked) + ", above the node's cap of "
                    + (field.equals("max_memory_mb") ? (max >> 20) + " MiB" : max));
        }
        return asked;
    }
}
