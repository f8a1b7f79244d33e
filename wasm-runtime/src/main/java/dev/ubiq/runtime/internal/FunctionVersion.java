package dev.ubiq.runtime.internal;

import dev.ubiq.abi.FunctionShape;
import dev.ubiq.abi.ReactorAbi;
import dev.ubiq.abi.WasiCommandAbi;
import dev.ubiq.runtime.FunctionConfig;
import dev.ubiq.runtime.InvocationResult;
import dev.ubiq.runtime.Limits;
import dev.ubiq.runtime.MeteringRecord;
import dev.ubiq.runtime.Outcome;
import dev.ubiq.runtime.Request;
import dev.ubiq.runtime.SnapshotStore;
import dev.ubiq.runtime.UbiqException;
import dev.ubiq.runtime.UbiqException.InstantiationException;
import dev.ubiq.runtime.engine.CompiledModule;
import dev.ubiq.runtime.engine.EngineInstance;
import dev.ubiq.runtime.engine.EngineInstance.EngineFunction;
import dev.ubiq.runtime.engine.GuestExitException;
import dev.ubiq.runtime.engine.GuestInterruptedException;
import dev.ubiq.runtime.engine.GuestTrapException;
import dev.ubiq.runtime.engine.InstanceSpec;
import dev.ubiq.runtime.engine.InstanceState;
import dev.ubiq.runtime.engine.WasiConfig;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * One deployed version of a function: its compiled module, resolved config, instance pool and the
 * invocation path. Immutable apart from its counters and pool; shared by all invoking threads.
 */
public final class FunctionVersion {
    private static final byte[] EMPTY = new byte[0];
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final boolean CPU_TIME = THREADS.isCurrentThreadCpuTimeSupported();

    /** What every version of every function shares with the runtime. */
    public record Context(Limits limits, Watchdog watchdog, Consumer<MeteringRecord> meteringSink,
            AtomicLong invocationIds, dev.ubiq.runtime.CpuMetering cpuMetering, SnapshotStore snapshots,
            Consumer<String> log, AbiHost abi) {}

    private final FunctionConfig config;
    private final int version;
    private final CompiledModule module;
    private final FunctionMetrics metrics;
    private final Context ctx;
    private final long timeoutNs;
    private final boolean wasi;
    private final Map<String, String> baseEnv;
    private final List<String> baseArgs;
    private final Map<String, Path> preopens;
    private final ReactorPool pool;
    /** What the function may use through ubiq:v1, resolved once at deploy. */
    private final AbiGrants grants;
    /**
     * The pre-initialised state every new instance forks from; {@code null} when the manifest turned
     * snapshots off or the instance held state a snapshot cannot carry (then each instance runs its
     * init exports). Set once in {@link #create}, before any invocation.
     */
    private InstanceState snapshot;
    /** Where the snapshot came from, for {@code ubiq} and the node's function listing. */
    private String snapshotOrigin = "none";
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger liveCommands = new AtomicInteger();
    /**
     * Wall time of the latest admitted invocation, for {@link dev.ubiq.runtime.CpuMetering#ADAPTIVE}.
     * Plain field: a stale value only changes whether one invocation is CPU-metered.
     */
    private long lastWallNs = Long.MAX_VALUE;
    private final java.util.Set<String> exportNames;
    /** "function 'NAME'", the start of every message about this function. */
    private final String who;

    private FunctionVersion(FunctionConfig config, int version, CompiledModule module,
            FunctionMetrics metrics, Context ctx, Map<String, Path> preopens) {
        this.config = config;
        this.version = version;
        this.module = module;
        this.metrics = metrics;
        this.ctx = ctx;
        this.timeoutNs = config.timeoutMs() * 1_000_000;
        this.wasi = module.info().importsWasi();
        this.exportNames = module.info().exportNames();
        this.who = "function '" + config.name() + "'";
        this.preopens = Map.copyOf(preopens);
        this.grants = new AbiGrants(config);
        Map<String, String> env = new HashMap<>(config.env());
        env.put(WasiCommandAbi.ENV_FUNCTION_NAME, config.name());
        env.put(WasiCommandAbi.ENV_FUNCTION_VERSION, Integer.toString(version));
        this.baseEnv = Map.copyOf(env);
        List<String> args = new ArrayList<>();
        args.add(config.name());
        args.addAll(config.args());
        this.baseArgs = List.copyOf(args);
        this.pool = config.shape() == FunctionShape.REACTOR && config.reuseInstances()
                ? new ReactorPool(config.maxConcurrency(), config.minWarm(), config.idleTtlMs(), this::newReactor)
                : null;
    }

    /**
     * Creates the version and proves it can run: one trial instantiation under the function's
     * deadline catches unknown imports, a trapping start function or init export, and an initial
     * memory above the limit, before anything is registered. For a pooled reactor the trial
     * instance becomes the first warm one.
     */
    public static FunctionVersion create(FunctionConfig config, int version, CompiledModule module,
            FunctionMetrics metrics, Context ctx, Map<String, Path> preopens) {
        FunctionVersion fv = new FunctionVersion(config, version, module, metrics, ctx, preopens);
        Watchdog.Slot slot = ctx.watchdog().arm(System.nanoTime(), fv.timeoutNs);
        RuntimeException failure = null;
        try {
            if (config.snapshot()) {
                fv.snapshot = fv.prepareSnapshot();
            }
            if (config.shape() == FunctionShape.REACTOR) {
                ReactorIsolate trial = fv.newReactor();
                if (fv.pool != null) {
                    fv.pool.adopt(trial);
                    fv.pool.prewarm();
                } else {
                    trial.close();
                }
            } else {
                fv.newInstance(fv.commandWasi(EMPTY, OutputStream.nullOutputStream(),
                        OutputStream.nullOutputStream(), List.of(), Map.of()),
                        new AbiInstance(fv.grants, OutputStream.nullOutputStream(), fv.timeoutNs)).close();
            }
        } catch (RuntimeException e) {
            failure = e;
        } finally {
            if (slot.disarm()) {
                failure = new InstantiationException("function '" + config.name()
                        + "': instantiation did not finish within its deadline of " + config.timeoutMs() + " ms", failure);
            }
        }
        if (failure != null) {
            fv.close();
            if (failure instanceof GuestInterruptedException) {
                throw new InstantiationException("function '" + config.name() + "': instantiation interrupted", failure);
            }
            throw failure;
        }
        return fv;
    }

    public FunctionConfig config() {
        return config;
    }

    /** The state new instances fork from, or {@code null} when they are created and initialised each. */
    public InstanceState snapshot() {
        return snapshot;
    }

    /** "none", "initialised" (captured at this deploy) or "loaded" (from the snapshot store). */
    public String snapshotOrigin() {
        return snapshotOrigin;
    }

    /**
     * Loads the snapshot from the store, or initialises one instance (the start function, {@code
     * _initialize}, {@code ubiq_init}, {@code wizer.initialize}, then the manifest's {@code init}),
     * captures it and saves it. Returns {@code null} (logged) when the instance holds state a
     * snapshot cannot carry. Init failures propagate: they fail the deploy as they did without
     * snapshots.
     */
    private InstanceState prepareSnapshot() {
        SnapshotStore store = ctx.snapshots();
        SnapshotStore.Key key = new SnapshotStore.Key(config.name(), version, module.info().sha256());
        if (store != null) {
            InstanceState loaded = store.load(key);
            if (loaded != null) {
                try {
                    module.fork(loaded, spec(nullWasi(), new AbiInstance(grants, OutputStream.nullOutputStream(),
                            timeoutNs))).close();
                    snapshotOrigin = "loaded";
                    return loaded;
                } catch (UbiqException e) {
                    log(who + ": stored snapshot " + config.name() + " v" + version
                            + " cannot be used (" + e.getMessage() + "); initialising again");
                }
            }
        }
        AbiInstance initAbi = new AbiInstance(grants, OutputStream.nullOutputStream(), timeoutNs);
        EngineInstance inst = instantiate(nullWasi(), initAbi);
        try {
            if (config.shape() == FunctionShape.REACTOR) {
                runInit(inst, ReactorAbi.WASI_INITIALIZE);
                runInit(inst, ReactorAbi.INIT);
            } else {
                runInit(inst, WIZER_INITIALIZE);
            }
            if (config.initExport() != null) {
                runInit(inst, config.initExport());
            }
            initAbi.end(); // spawns the init left running are cancelled; they are not part of the state
            InstanceState s;
            try {
                s = inst.captureState();
            } catch (UbiqException e) {
                log(who + ": no snapshot, every instance runs its init: " + e.getMessage());
                return null;
            }
            if (store != null) {
                store.save(key, s);
            }
            snapshotOrigin = "initialised";
            return s;
        } finally {
            inst.close();
        }
    }

    /** The Wizer convention's init export, which WASI commands may offer for pre-initialisation. */
    public static final String WIZER_INITIALIZE = "wizer.initialize";

    private WasiConfig nullWasi() {
        return new WasiConfig(baseArgs, baseEnv, InputStream.nullInputStream(), OutputStream.nullOutputStream(),
                OutputStream.nullOutputStream(), preopens);
    }

    private void log(String line) {
        if (ctx.log() != null) {
            ctx.log().accept(line);
        }
    }

    public int version() {
        return version;
    }

    public CompiledModule module() {
        return module;
    }

    public int inFlight() {
        return inFlight.get();
    }

    public int liveInstances() {
        return (pool == null ? 0 : pool.live()) + liveCommands.get();
    }

    public int idleInstances() {
        return pool == null ? 0 : pool.idle();
    }

    /** Drops idle reactor instances past their TTL. Called by the watchdog's housekeeping. */
    public void expireIdle(long nowNs) {
        if (pool != null) {
            pool.expire(nowNs);
        }
    }

    /** Stops pooling; invocations already running finish and their instances are then dropped. */
    public void close() {
        if (pool != null) {
            pool.close();
        }
    }

    private EngineInstance instantiate(WasiConfig wasiConfig, AbiInstance abi) {
        return module.instantiate(spec(wasiConfig, abi));
    }

    private InstanceSpec spec(WasiConfig wasiConfig, AbiInstance abi) {
        AbiHost host = ctx.abi();
        return new InstanceSpec(config.maxMemoryBytes(), wasi ? wasiConfig : null,
                host == null ? null : host.linker(), abi);
    }

    /**
     * A new instance: forked from the snapshot when there is one, else instantiated (init not run).
     * Either way it gets its own ubiq:v1 state: host-side state is never part of a snapshot.
     */
    private EngineInstance newInstance(WasiConfig wasiConfig, AbiInstance abi) {
        InstanceState s = snapshot;
        return s == null ? instantiate(wasiConfig, abi) : module.fork(s, spec(wasiConfig, abi));
    }

    private WasiConfig commandWasi(byte[] body, OutputStream out, OutputStream err, List<String> extraArgs,
            Map<String, String> extraEnv) {
        List<String> args = baseArgs;
        if (!extraArgs.isEmpty()) {
            args = new ArrayList<>(baseArgs);
            args.addAll(extraArgs);
        }
        Map<String, String> env = baseEnv;
        if (!extraEnv.isEmpty()) {
            env = new HashMap<>(baseEnv);
            env.putAll(extraEnv);
        }
        InputStream in = body.length == 0 ? InputStream.nullInputStream() : new ByteArrayInputStream(body);
        return new WasiConfig(args, env, in, out, err, preopens);
    }

    private ReactorIsolate newReactor() {
        SwitchableOutputStream out = new SwitchableOutputStream();
        AbiInstance abi = new AbiInstance(grants, out, timeoutNs);
        EngineInstance inst = newInstance(new WasiConfig(baseArgs, baseEnv, InputStream.nullInputStream(), out, out, preopens), abi);
        try {
            EngineFunction alloc = inst.function(ReactorAbi.ALLOC);
            EngineFunction handle = inst.function(ReactorAbi.HANDLE);
            if (alloc == null || handle == null) {
                throw new UbiqException.InvalidModuleException("function '" + config.name()
                        + "': a reactor must export " + ReactorAbi.ALLOC + " and " + ReactorAbi.HANDLE, null);
            }
            if (snapshot == null) {
                runInit(inst, ReactorAbi.WASI_INITIALIZE);
                runInit(inst, ReactorAbi.INIT);
                if (config.initExport() != null) {
                    runInit(inst, config.initExport());
                }
            }
            abi.end(); // what ubiq_init spawned and did not await is cancelled, as at the end of an invocation
            return new ReactorIsolate(inst, alloc, handle, out, abi);
        } catch (RuntimeException e) {
            inst.close();
            throw e;
        }
    }

    private void runInit(EngineInstance inst, String export) {
        // asking the engine for a missing export can cost an exception (about 2 us in Chicory)
        if (!exportNames.contains(export)) {
            return;
        }
        EngineFunction f = inst.function(export);
        if (f == null) {
            return;
        }
        try {
            f.call();
        } catch (GuestTrapException | GuestExitException e) {
            throw new InstantiationException("function '" + config.name() + "': " + export + " failed: "
                    + e.getMessage(), e);
        }
    }

    /** Runs one invocation on the calling thread. Never throws for guest behaviour. */
    public InvocationResult invoke(Request req) {
        return invoke(req, 0, 0);
    }

    /**
     * Runs an invocation made by another function through {@code ubiq:v1} ({@code call} or
     * {@code spawn}): the body is used as it is (the one copy into this function's memory is the
     * invocation's), and the caller's deadline bounds this one.
     *
     * @param callerDeadlineNs the caller's deadline ({@link System#nanoTime()} scale)
     * @param depth this invocation's call depth (the caller's + 1)
     */
    public InvocationResult invokeNested(byte[] body, long callerDeadlineNs, int depth) {
        return invoke(Request.of(body), callerDeadlineNs, depth);
    }

    private InvocationResult invoke(Request req, long callerDeadlineNs, int depth) {
        long t0 = System.nanoTime();
        long epochMs = System.currentTimeMillis();
        byte[] body = req.body();
        Limits limits = ctx.limits();
        if (body.length > limits.maxPayloadBytes()) {
            return finish(Outcome.PAYLOAD_TOO_LARGE, EMPTY, EMPTY, -1, "function '" + config.name()
                    + "': request of " + body.length + " bytes exceeds the payload limit of "
                    + limits.maxPayloadBytes() + " bytes", t0, epochMs, -1, 0, body.length);
        }
        if (inFlight.incrementAndGet() > config.maxConcurrency()) {
            inFlight.decrementAndGet();
            return finish(Outcome.BUSY, EMPTY, EMPTY, -1, "function '" + config.name() + "' is busy: "
                    + config.maxConcurrency() + " of " + config.maxConcurrency()
                    + " concurrent invocations running", t0, epochMs, -1, 0, body.length);
        }
        boolean measureCpu = CPU_TIME && switch (ctx.cpuMetering()) {
            case ALWAYS -> true;
            case OFF -> false;
            case ADAPTIVE -> lastWallNs >= dev.ubiq.runtime.CpuMetering.ADAPTIVE_THRESHOLD_NS;
        };
        long cpu0 = measureCpu ? THREADS.getCurrentThreadCpuTime() : -1;
        CaptureStream log = new CaptureStream(limits.maxLogBytesPerInvocation());
        CaptureStream stdout;
        byte[] output = EMPTY;
        int exitCode = 0;
        long memory = 0;
        boolean limitHit = false;
        boolean responseTooLarge = false;
        Throwable error = null;
        boolean fired;
        long invocationTimeoutNs = timeoutNs;
        boolean callerBound = false;
        if (depth > 0 && callerDeadlineNs - (t0 + timeoutNs) < 0) {
            invocationTimeoutNs = Math.max(0, callerDeadlineNs - t0);
            callerBound = true;
        }
        long deadlineNs = t0 + invocationTimeoutNs;
        AbiInstance abi = null;
        Watchdog.Slot slot = ctx.watchdog().arm(t0, invocationTimeoutNs);
        try {
            if (config.shape() == FunctionShape.WASI_COMMAND) {
                stdout = new CaptureStream(limits.maxResponseBytes());
                liveCommands.incrementAndGet();
                EngineInstance inst = null;
                exitCode = -1;
                try {
                    abi = new AbiInstance(grants, log, timeoutNs);
                    abi.begin(deadlineNs, depth);
                    inst = newInstance(commandWasi(body, stdout, log, req.args(), req.env()), abi);
                    EngineFunction start = inst.function(WasiCommandAbi.START);
                    start.call();
                    exitCode = 0;
                } catch (GuestExitException e) {
                    exitCode = e.exitCode();
                } finally {
                    liveCommands.decrementAndGet();
                    if (inst != null) {
                        memory = inst.memoryBytes();
                        limitHit = inst.memoryLimitHit();
                        inst.close();
                    }
                    // what the guest wrote before a trap or timeout is kept, as a CLI would show it
                    responseTooLarge = stdout.overflowed();
                    output = stdout.toByteArray();
                }
            } else {
                ReactorIsolate iso = pool != null ? pool.acquire() : newReactor();
                boolean healthy = false;
                iso.out.switchTo(log);
                abi = iso.abi;
                abi.begin(deadlineNs, depth);
                try {
                    int len = body.length;
                    int ptr = 0;
                    if (len > 0) {
                        ptr = (int) iso.alloc.call(len)[0];
                        if (ptr == 0) {
                            throw new GuestTrapException(ReactorAbi.ALLOC + "(" + len
                                    + ") returned 0: the guest is out of memory", null);
                        }
                        iso.instance.write(ptr, body);
                    }
                    long packed = iso.handle.call(ptr, len)[0];
                    int rlen = ReactorAbi.responseLen(packed);
                    if (rlen < 0 || rlen > limits.maxResponseBytes()) {
                        responseTooLarge = true;
                    } else {
                        output = iso.instance.read(ReactorAbi.responsePtr(packed), rlen);
                    }
                    healthy = true;
                } finally {
                    iso.out.switchTo(OutputStream.nullOutputStream());
                    memory = iso.instance.memoryBytes();
                    limitHit = iso.instance.memoryLimitHit();
                    if (pool == null) {
                        iso.close();
                    } else if (healthy && (snapshot == null || iso.instance.reset() >= 0)) {
                        // with a snapshot the next caller gets the snapshot's state, not this caller's
                        pool.release(iso);
                    } else {
                        pool.discard(iso);
                    }
                }
            }
        } catch (RuntimeException | StackOverflowError | OutOfMemoryError e) {
            error = e;
        } finally {
            if (abi != null) {
                abi.end();
            }
            fired = slot.disarm();
            if (!fired && abi != null && abi.deadlineHit) {
                // a hostcall saw the deadline pass before the watchdog's tick and interrupted itself
                Thread.interrupted();
                fired = true;
            }
            inFlight.decrementAndGet();
        }
        long cpuNs = cpu0 >= 0 ? THREADS.getCurrentThreadCpuTime() - cpu0 : -1;

        Outcome outcome;
        String message = "";
        if (error == null) {
            if (responseTooLarge) {
                outcome = Outcome.PAYLOAD_TOO_LARGE;
                output = EMPTY;
                message = who + ": response exceeds the limit of " + limits.maxResponseBytes() + " bytes";
            } else if (exitCode == 0) {
                outcome = Outcome.OK;
            } else if (limitHit) {
                outcome = Outcome.MEMORY_LIMIT;
                message = memoryMessage(who, memory, "exited with code " + exitCode);
            } else {
                outcome = Outcome.GUEST_ERROR;
                message = who + " exited with code " + exitCode;
            }
        } else if (fired) {
            outcome = Outcome.TIMEOUT;
            message = who + " exceeded its deadline of " + (callerBound
                    ? invocationTimeoutNs / 1_000_000 + " ms (what remained of its caller's)"
                    : config.timeoutMs() + " ms") + " (stopped after " + (System.nanoTime() - t0) / 1_000_000 + " ms)";
        } else if (error instanceof UbiqException.LimitExceededException) {
            outcome = Outcome.MEMORY_LIMIT;
            message = who + ": " + error.getMessage();
        } else if (error instanceof GuestTrapException || error instanceof InstantiationException
                || error instanceof StackOverflowError) {
            if (limitHit) {
                outcome = Outcome.MEMORY_LIMIT;
                message = memoryMessage(who, memory, "trapped: " + error.getMessage());
            } else {
                outcome = Outcome.TRAP;
                message = who + " trapped: " + (error instanceof StackOverflowError ? "call stack exhausted" : error.getMessage());
            }
        } else if (error instanceof OutOfMemoryError) {
            outcome = Outcome.HOST_ERROR;
            message = who + ": the host ran out of heap (" + error.getMessage() + "); lower the memory limits";
        } else {
            outcome = Outcome.HOST_ERROR;
            message = who + ": " + error;
        }
        return finish(outcome, output, log.toByteArray(), exitCode, message, t0, epochMs, cpuNs, memory, body.length);
    }

    private String memoryMessage(String who, long memory, String then) {
        return who + " hit its memory limit of " + config.maxMemoryBytes() + " bytes (memory.grow refused at "
                + memory + " bytes), then " + then;
    }

    private InvocationResult finish(Outcome outcome, byte[] output, byte[] log, int exitCode, String message,
            long t0, long epochMs, long cpuNs, long memory, long bytesIn) {
        long wallNs = System.nanoTime() - t0;
        if (outcome != Outcome.BUSY && outcome != Outcome.PAYLOAD_TOO_LARGE) {
            lastWallNs = wallNs;
        }
        MeteringRecord rec = new MeteringRecord(config.name(), version, ctx.invocationIds().incrementAndGet(),
                epochMs, wallNs, cpuNs, memory, bytesIn, output.length, outcome);
        metrics.record(rec);
        Consumer<MeteringRecord> sink = ctx.meteringSink();
        if (sink != null) {
            sink.accept(rec);
        }
        return new InvocationResult(outcome, output, log, exitCode, message, rec);
    }
}
