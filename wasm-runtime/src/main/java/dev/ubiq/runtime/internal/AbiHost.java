package dev.ubiq.runtime.internal;

import dev.ubiq.abi.AbiError;
import dev.ubiq.abi.Capability;
import dev.ubiq.abi.HostAbi;
import dev.ubiq.abi.HostAbi.Hostcall;
import dev.ubiq.runtime.InvocationResult;
import dev.ubiq.runtime.Limits;
import dev.ubiq.runtime.Manifest;
import dev.ubiq.runtime.UbiqException;
import dev.ubiq.runtime.engine.FunctionSignature;
import dev.ubiq.runtime.engine.GuestTrapException;
import dev.ubiq.runtime.engine.HostFunction;
import dev.ubiq.runtime.engine.HostFunction.Caller;
import dev.ubiq.runtime.engine.Linker;
import dev.ubiq.runtime.engine.ValueType;
import dev.ubiq.runtime.hostcalls.HostAbiConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jctools.queues.atomic.MpmcAtomicArrayQueue;

/**
 * The host side of ABI v1 for one runtime (the "init" phase): the {@code ubiq:v1} host functions,
 * linked once into a {@link Linker} every instance shares, plus the node-wide state they use (KV
 * store, channels, spawn executor). Per-instance state arrives as the caller's host data, an
 * {@link AbiInstance}; a module that imports nothing from {@code ubiq:v1} pays nothing.
 *
 * <p>Every hostcall returns expected failures as {@link AbiError} codes and traps only for guest
 * bugs (a range outside linear memory), with a message naming the hostcall. A host-side exception
 * becomes a trap naming the hostcall too, never an exception in the caller's thread beyond the
 * invocation, which the runtime turns into an outcome.
 *
 * <pre>{@code
 * // what UbiqRuntime does: one per runtime, its linker in every InstanceSpec, an AbiInstance as host data
 * AbiHost abi = new AbiHost(HostAbiConfig.defaults(), limits, registry::lookup, null, log);
 * module.instantiate(new InstanceSpec(maxMemoryBytes, wasi, abi.linker(), abiInstance));
 * }</pre>
 */
public final class AbiHost implements AutoCloseable {
    private static final byte[] EMPTY = new byte[0];
    private static final long[][] SMALL = new long[32][];
    private static final Pattern TARGET = Pattern.compile("[A-Za-z0-9._-]{1,128}");
    private static final int MAX_RANDOM_BYTES = 1 << 20;
    private static final int MAX_CONFIG_KEY_BYTES = 256;
    private static final int MAX_LOG_BYTES = 64 << 10;
    /** Spin this many times before parking in a channel wait: a co-located peer is usually quick. */
    private static final int SPINS = 200;
    private static final long PARK_NS = 20_000;

    static {
        for (int i = 0; i < SMALL.length; i++) {
            SMALL[i] = new long[] {-i};
        }
    }

    private final HostAbiConfig config;
    private final Limits limits;
    private final Function<String, FunctionVersion> lookup;
    private final Consumer<InvocationResult> nestedSink;
    private final KvStore kv;
    private final Channels channels;
    private final ExecutorService spawner;
    private final Semaphore spawnSlots;
    private final SecureRandom random = new SecureRandom();
    private final Linker linker;

    /**
     * @param lookup the live version of a function, or null (the runtime's registry)
     * @param nestedSink receives the result of every call and spawn (for the callee's logs); may be null
     * @param log runtime events (unreadable persistent KV entries)
     */
    public AbiHost(HostAbiConfig config, Limits limits, Function<String, FunctionVersion> lookup,
            Consumer<InvocationResult> nestedSink, Consumer<String> log) {
        this.config = config;
        this.limits = limits;
        this.lookup = lookup;
        this.nestedSink = nestedSink;
        this.kv = new KvStore(config, log);
        this.channels = new Channels(config.channelCapacity(), config.maxChannels(), config.channelMaxQueuedBytes());
        this.spawner = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("ubiq-spawn-", 0).factory());
        this.spawnSlots = new Semaphore(config.maxConcurrentSpawns());
        Linker.Builder b = Linker.builder();
        for (Hostcall h : Hostcall.values()) {
            b.define(HostAbi.MODULE, h.importName(), new HostFunction(signature(h), guarded(h, implementation(h))));
        }
        this.linker = b.build();
    }

    /** The linker every instance of every function gets; resolves {@code ubiq:v1.*}. */
    public Linker linker() {
        return linker;
    }

    public KvStore kv() {
        return kv;
    }

    public Channels channels() {
        return channels;
    }

    public HostAbiConfig config() {
        return config;
    }

    @Override
    public void close() {
        spawner.shutdownNow();
        kv.close();
    }

    private static FunctionSignature signature(Hostcall h) {
        return FunctionSignature.of(types(h.params()), types(h.results()));
    }

    private static List<ValueType> types(String spelled) {
        List<ValueType> out = new ArrayList<>();
        for (String t : spelled.split(" ")) {
            if (!t.isEmpty()) {
                out.add(ValueType.valueOf(t.toUpperCase(java.util.Locale.ROOT)));
            }
        }
        return out;
    }

    /** Host bugs become a trap naming the hostcall; guest traps and interrupts pass through. */
    private static HostFunction.Implementation guarded(Hostcall h, HostFunction.Implementation impl) {
        String name = HostAbi.MODULE + "." + h.importName();
        return (caller, args) -> {
            try {
                return impl.apply(caller, args);
            } catch (UbiqException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new GuestTrapException(name + ": internal host error: " + e, e);
            }
        };
    }

    private HostFunction.Implementation implementation(Hostcall h) {
        return switch (h) {
            case LOG -> this::log;
            case CLOCK_MONOTONIC_NS -> (c, a) -> new long[] {System.nanoTime()};
            case CLOCK_WALL_NS -> (c, a) -> {
                java.time.Instant now = java.time.Instant.now();
                return new long[] {now.getEpochSecond() * 1_000_000_000L + now.getNano()};
            };
            case RANDOM -> this::random;
            case CONFIG_GET -> this::configGet;
            case KV_GET -> this::kvGet;
            case KV_PUT -> this::kvPut;
            case KV_DELETE -> this::kvDelete;
            case KV_LIST -> this::kvList;
            case CALL -> this::call;
            case SPAWN -> this::spawn;
            case AWAIT -> this::await;
            case CHANNEL_SEND -> this::channelSend;
            case CHANNEL_RECV -> this::channelRecv;
            case RESULT_READ -> this::resultRead;
        };
    }

    // ------------------------------------------------------------------ helpers

    private static long[] ok(long v) {
        return v >= 0 && v < 1 ? SMALL[0] : new long[] {v};
    }

    private static long[] err(AbiError e) {
        return SMALL[-e.code()];
    }

    private static AbiInstance state(Caller c, Hostcall h) {
        if (c.hostData() instanceof AbiInstance s) {
            return s;
        }
        throw new GuestTrapException(HostAbi.MODULE + "." + h.importName()
                + ": not available to this instance (it was not created by the Ubiq runtime)", null);
    }

    /** Traps unless [ptr, ptr+len) lies in the caller's memory. */
    private static void range(Caller c, Hostcall h, String what, long ptrArg, long lenArg) {
        long ptr = ptrArg & 0xFFFF_FFFFL;
        long len = lenArg & 0xFFFF_FFFFL;
        long size = c.memoryBytes();
        if (ptr + len > size) {
            throw new GuestTrapException(HostAbi.MODULE + "." + h.importName() + ": " + what + " [" + ptr + ", +"
                    + len + ") is outside the caller's linear memory of " + size + " bytes", null);
        }
    }

    private static byte[] bytes(Caller c, Hostcall h, String what, long ptr, long len) {
        range(c, h, what, ptr, len);
        return len == 0 ? EMPTY : c.read((int) ptr, (int) len);
    }

    /** A name argument; null when it is not a valid target name (the caller returns INVALID). */
    private static String target(Caller c, Hostcall h, String what, long ptr, long len) {
        range(c, h, what, ptr, len);
        int n = (int) len;
        if (n <= 0 || n > 128) {
            return null;
        }
        String s = new String(c.read((int) ptr, n), StandardCharsets.UTF_8);
        return TARGET.matcher(s).matches() ? s : null;
    }

    /**
     * Delivers a result: into the output buffer when it fits, else kept for {@code result_read}.
     * Returns the result's full length.
     */
    private static long[] deliver(Caller c, AbiInstance st, int outPtr, int outCap, byte[] data) {
        if (data.length <= outCap) {
            if (data.length > 0) {
                c.write(outPtr, data, 0, data.length);
            }
            st.pending = null;
        } else {
            st.pending = data;
        }
        return new long[] {data.length};
    }

    private static long[] denied(AbiInstance st, Hostcall h, String capability, String what) {
        logLine(st, "WARN", HostAbi.MODULE + "." + h.importName() + " denied: " + what + " needs capability '"
                + capability + "' in the manifest of function '" + st.grants.function + "'");
        return err(AbiError.DENIED);
    }

    private static void logLine(AbiInstance st, String level, String msg) {
        logBytes(st, level, msg.getBytes(StandardCharsets.UTF_8));
    }

    private static void logBytes(AbiInstance st, String level, byte[] msg) {
        try {
            byte[] prefix = ("[" + level + "] ").getBytes(StandardCharsets.US_ASCII);
            st.log.write(prefix);
            st.log.write(msg);
            st.log.write('\n');
        } catch (IOException e) {
            // the capture stream is in memory and bounded; a full log drops lines, never fails the guest
        }
    }

    /** The deadline passed while the host waited: make sure the watchdog's verdict holds, return TIMEOUT. */
    private static long[] deadlinePassed(AbiInstance st) {
        st.deadlineHit = true;
        Thread.currentThread().interrupt();
        return err(AbiError.TIMEOUT);
    }

    // ------------------------------------------------------------------ log, clocks, random, config

    private long[] log(Caller c, long[] a) {
        AbiInstance st = state(c, Hostcall.LOG);
        int level = (int) a[0];
        range(c, Hostcall.LOG, "message", a[1], a[2]);
        if (level < 0 || level >= HostAbi.LOG_LEVEL_NAMES.size()) {
            return err(AbiError.INVALID);
        }
        int len = (int) Math.min(a[2] & 0xFFFF_FFFFL, MAX_LOG_BYTES);
        logBytes(st, HostAbi.LOG_LEVEL_NAMES.get(level), len == 0 ? EMPTY : c.read((int) a[1], len));
        return ok(0);
    }

    private long[] random(Caller c, long[] a) {
        range(c, Hostcall.RANDOM, "buffer", a[0], a[1]);
        int len = (int) a[1];
        if (len < 0 || len > MAX_RANDOM_BYTES) {
            return err(AbiError.TOO_LARGE);
        }
        byte[] b = new byte[len];
        random.nextBytes(b);
        c.write((int) a[0], b, 0, len);
        return ok(0);
    }

    private long[] configGet(Caller c, long[] a) {
        AbiInstance st = state(c, Hostcall.CONFIG_GET);
        range(c, Hostcall.CONFIG_GET, "output buffer", a[2], a[3]);
        range(c, Hostcall.CONFIG_GET, "key", a[0], a[1]);
        if ((int) a[1] > MAX_CONFIG_KEY_BYTES || (int) a[1] < 0) {
            return err(AbiError.NOT_FOUND);
        }
        byte[] v = st.grants.config(new String(bytes(c, Hostcall.CONFIG_GET, "key", a[0], a[1]), StandardCharsets.UTF_8));
        if (v == null) {
            return err(AbiError.NOT_FOUND);
        }
        return deliver(c, st, (int) a[2], (int) a[3], v);
    }

    // ------------------------------------------------------------------ kv

    private static String kvNamespace(Caller c, Hostcall h, long ptr, long len) {
        return target(c, h, "namespace", ptr, len);
    }

    /** INVALID for a bad namespace name, DENIED (and logged) without its grant; null when the call may go on. */
    private long[] kvRefused(AbiInstance st, Hostcall h, String ns) {
        if (ns == null) {
            return err(AbiError.INVALID);
        }
        if (!st.grants.mayUseKv(ns)) {
            return denied(st, h, "kv:" + ns, "namespace '" + ns + "'");
        }
        return null;
    }

    private long[] kvGet(Caller c, long[] a) {
        Hostcall h = Hostcall.KV_GET;
        AbiInstance st = state(c, h);
        range(c, h, "output buffer", a[4], a[5]);
        String ns = kvNamespace(c, h, a[0], a[1]);
        range(c, h, "key", a[2], a[3]);
        long[] refused = kvRefused(st, h, ns);
        if (refused != null) {
            return refused;
        }
        if ((int) a[3] > config.kvMaxKeyBytes() || (int) a[3] < 0) {
            return err(AbiError.NOT_FOUND);
        }
        byte[] v = kv.get(ns, bytes(c, h, "key", a[2], a[3]));
        if (v == null) {
            return err(AbiError.NOT_FOUND);
        }
        return deliver(c, st, (int) a[4], (int) a[5], v);
    }

    private long[] kvPut(Caller c, long[] a) {
        Hostcall h = Hostcall.KV_PUT;
        AbiInstance st = state(c, h);
        String ns = kvNamespace(c, h, a[0], a[1]);
        range(c, h, "key", a[2], a[3]);
        range(c, h, "value", a[4], a[5]);
        long[] refused = kvRefused(st, h, ns);
        if (refused != null) {
            return refused;
        }
        if ((int) a[3] > config.kvMaxKeyBytes() || (int) a[5] > config.kvMaxValueBytes() || (int) a[3] < 0 || (int) a[5] < 0) {
            return err(AbiError.TOO_LARGE);
        }
        int r = kv.put(ns, bytes(c, h, "key", a[2], a[3]), bytes(c, h, "value", a[4], a[5]));
        return r == 0 ? ok(0) : SMALL[-r];
    }

    private long[] kvDelete(Caller c, long[] a) {
        Hostcall h = Hostcall.KV_DELETE;
        AbiInstance st = state(c, h);
        String ns = kvNamespace(c, h, a[0], a[1]);
        range(c, h, "key", a[2], a[3]);
        long[] refused = kvRefused(st, h, ns);
        if (refused != null) {
            return refused;
        }
        if ((int) a[3] > config.kvMaxKeyBytes() || (int) a[3] < 0) {
            return err(AbiError.NOT_FOUND);
        }
        int r = kv.delete(ns, bytes(c, h, "key", a[2], a[3]));
        return r == 0 ? ok(0) : SMALL[-r];
    }

    private long[] kvList(Caller c, long[] a) {
        Hostcall h = Hostcall.KV_LIST;
        AbiInstance st = state(c, h);
        range(c, h, "output buffer", a[4], a[5]);
        String ns = kvNamespace(c, h, a[0], a[1]);
        range(c, h, "prefix", a[2], a[3]);
        long[] refused = kvRefused(st, h, ns);
        if (refused != null) {
            return refused;
        }
        if ((int) a[3] > config.kvMaxKeyBytes() || (int) a[3] < 0) {
            return deliver(c, st, (int) a[4], (int) a[5], EMPTY);
        }
        byte[] keys = kv.list(ns, bytes(c, h, "prefix", a[2], a[3]), limits.maxResponseBytes() > Integer.MAX_VALUE
                ? Integer.MAX_VALUE : (int) limits.maxResponseBytes());
        return deliver(c, st, (int) a[4], (int) a[5], keys);
    }

    // ------------------------------------------------------------------ call, spawn, await

    /** Checks shared by call and spawn; returns the callee, or sets {@code fail[0]} to the error. */
    private FunctionVersion callee(Caller c, Hostcall h, AbiInstance st, long[] a, long[][] fail) {
        String target = target(c, h, "function name", a[0], a[1]);
        range(c, h, "payload", a[2], a[3]);
        if (target == null || !Manifest.isValidName(target)) {
            fail[0] = err(AbiError.INVALID);
            return null;
        }
        if (!st.grants.mayCall(target)) {
            fail[0] = denied(st, h, new Capability(Capability.Kind.CALL, target).toString(), "calling function '" + target + "'");
            return null;
        }
        if ((int) a[3] > limits.maxPayloadBytes() || (int) a[3] < 0) {
            fail[0] = err(AbiError.TOO_LARGE);
            return null;
        }
        if (st.depth + 1 > config.maxCallDepth()) {
            fail[0] = err(AbiError.DEPTH_EXCEEDED);
            return null;
        }
        FunctionVersion fv = lookup.apply(target);
        if (fv == null) {
            fail[0] = err(AbiError.NOT_FOUND);
        }
        return fv;
    }

    private long[] call(Caller c, long[] a) {
        Hostcall h = Hostcall.CALL;
        AbiInstance st = state(c, h);
        range(c, h, "output buffer", a[4], a[5]);
        long[][] fail = new long[1][];
        FunctionVersion fv = callee(c, h, st, a, fail);
        if (fv == null) {
            return fail[0];
        }
        long deadline = st.deadlineNs();
        if (System.nanoTime() - deadline >= 0) {
            return deadlinePassed(st);
        }
        byte[] payload = bytes(c, h, "payload", a[2], a[3]);
        InvocationResult r = fv.invokeNested(payload, deadline, st.depth + 1);
        if (nestedSink != null) {
            nestedSink.accept(r);
        }
        if (System.nanoTime() - deadline >= 0) {
            return deadlinePassed(st);
        }
        return outcome(c, st, r, (int) a[4], (int) a[5]);
    }

    private static long[] outcome(Caller c, AbiInstance st, InvocationResult r, int outPtr, int outCap) {
        return switch (r.outcome()) {
            case OK -> deliver(c, st, outPtr, outCap, r.output());
            case BUSY -> err(AbiError.BUSY);
            case NOT_FOUND -> err(AbiError.NOT_FOUND);
            case TIMEOUT -> err(AbiError.TIMEOUT);
            case PAYLOAD_TOO_LARGE -> err(AbiError.TOO_LARGE);
            default -> {
                st.pending = r.message().getBytes(StandardCharsets.UTF_8);
                yield err(AbiError.CALLEE_FAILED);
            }
        };
    }

    @SuppressWarnings("unchecked")
    private long[] spawn(Caller c, long[] a) {
        Hostcall h = Hostcall.SPAWN;
        AbiInstance st = state(c, h);
        long[][] fail = new long[1][];
        FunctionVersion fv = callee(c, h, st, a, fail);
        if (fv == null) {
            return fail[0];
        }
        if (st.outstanding >= config.maxSpawnsPerInvocation()) {
            return err(AbiError.FULL);
        }
        long deadline = st.deadlineNs();
        if (System.nanoTime() - deadline >= 0) {
            return deadlinePassed(st);
        }
        if (!spawnSlots.tryAcquire()) {
            return err(AbiError.BUSY);
        }
        byte[] payload = bytes(c, h, "payload", a[2], a[3]);
        int depth = st.depth + 1;
        // done() runs exactly once however the task ends, cancelled before it started included
        FutureTask<InvocationResult> f = new FutureTask<>(() -> {
            InvocationResult r = fv.invokeNested(payload, deadline, depth);
            if (nestedSink != null) {
                nestedSink.accept(r);
            }
            return r;
        }) {
            @Override
            protected void done() {
                spawnSlots.release();
            }
        };
        try {
            spawner.execute(f);
        } catch (RejectedExecutionException e) {
            spawnSlots.release();
            return err(AbiError.UNAVAILABLE);
        }
        if (st.spawns == null) {
            st.spawns = new Future[Math.min(8, config.maxSpawnsPerInvocation())];
        }
        int slot = -1;
        for (int i = 0; i < st.spawns.length; i++) {
            if (st.spawns[i] == null) {
                slot = i;
                break;
            }
        }
        if (slot < 0) {
            slot = st.spawns.length;
            st.spawns = java.util.Arrays.copyOf(st.spawns, Math.min(st.spawns.length * 2, config.maxSpawnsPerInvocation()));
        }
        st.spawns[slot] = f;
        st.outstanding++;
        return new long[] {slot + 1};
    }

    private long[] await(Caller c, long[] a) {
        Hostcall h = Hostcall.AWAIT;
        AbiInstance st = state(c, h);
        range(c, h, "output buffer", a[1], a[2]);
        int handle = (int) a[0];
        if (st.spawns == null || handle < 1 || handle > st.spawns.length || st.spawns[handle - 1] == null) {
            return err(AbiError.NOT_FOUND);
        }
        Future<InvocationResult> f = st.spawns[handle - 1];
        long wait = st.deadlineNs() - System.nanoTime();
        InvocationResult r;
        try {
            r = f.get(Math.max(0, wait), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            return deadlinePassed(st);
        } catch (InterruptedException e) {
            return deadlinePassed(st);
        } catch (ExecutionException | java.util.concurrent.CancellationException e) {
            st.spawns[handle - 1] = null;
            st.outstanding--;
            st.pending = String.valueOf(e.getCause()).getBytes(StandardCharsets.UTF_8);
            return err(AbiError.CALLEE_FAILED);
        }
        st.spawns[handle - 1] = null;
        st.outstanding--;
        return outcome(c, st, r, (int) a[1], (int) a[2]);
    }

    // ------------------------------------------------------------------ channels

    private MpmcAtomicArrayQueue<byte[]> channel(Caller c, Hostcall h, AbiInstance st, long ptr, long len, long[][] fail) {
        String name = target(c, h, "channel name", ptr, len);
        if (name == null) {
            fail[0] = err(AbiError.INVALID);
            return null;
        }
        if (!st.grants.mayUseChannel(name)) {
            fail[0] = denied(st, h, "channel:" + name, "channel '" + name + "'");
            return null;
        }
        MpmcAtomicArrayQueue<byte[]> q = channels.get(name);
        if (q == null) {
            fail[0] = err(AbiError.FULL);
        }
        return q;
    }

    /** The end of a channel wait: its own timeout or the invocation's deadline, whichever is first. */
    private static long waitUntil(long deadline, int timeoutMs) {
        long until = System.nanoTime() + Math.max(0, timeoutMs) * 1_000_000L;
        return until - deadline > 0 ? deadline : until;
    }

    private long[] channelSend(Caller c, long[] a) {
        Hostcall h = Hostcall.CHANNEL_SEND;
        AbiInstance st = state(c, h);
        long[][] fail = new long[1][];
        MpmcAtomicArrayQueue<byte[]> q = channel(c, h, st, a[0], a[1], fail);
        range(c, h, "message", a[2], a[3]);
        if (q == null) {
            return fail[0];
        }
        if ((int) a[3] > config.channelMaxMessageBytes() || (int) a[3] < 0) {
            return err(AbiError.TOO_LARGE);
        }
        byte[] msg = bytes(c, h, "message", a[2], a[3]);
        if (channels.offer(q, msg)) {
            return ok(0);
        }
        int timeoutMs = (int) a[4];
        if (timeoutMs <= 0) {
            return err(AbiError.FULL);
        }
        long deadline = st.deadlineNs();
        long until = waitUntil(deadline, timeoutMs);
        for (int spins = 0; ; spins++) {
            if (channels.offer(q, msg)) {
                return ok(0);
            }
            if (Thread.currentThread().isInterrupted()) {
                return deadlinePassed(st);
            }
            long now = System.nanoTime();
            if (now - until >= 0) {
                return until == deadline ? deadlinePassed(st) : err(AbiError.TIMEOUT);
            }
            if (spins < SPINS) {
                Thread.onSpinWait();
            } else {
                LockSupport.parkNanos(Math.min(PARK_NS, until - now));
            }
        }
    }

    private long[] channelRecv(Caller c, long[] a) {
        Hostcall h = Hostcall.CHANNEL_RECV;
        AbiInstance st = state(c, h);
        range(c, h, "output buffer", a[2], a[3]);
        long[][] fail = new long[1][];
        MpmcAtomicArrayQueue<byte[]> q = channel(c, h, st, a[0], a[1], fail);
        if (q == null) {
            return fail[0];
        }
        byte[] msg = channels.poll(q);
        int timeoutMs = (int) a[4];
        if (msg == null && timeoutMs > 0) {
            long deadline = st.deadlineNs();
            long until = waitUntil(deadline, timeoutMs);
            for (int spins = 0; msg == null; spins++) {
                msg = channels.poll(q);
                if (msg != null) {
                    break;
                }
                if (Thread.currentThread().isInterrupted()) {
                    return deadlinePassed(st);
                }
                long now = System.nanoTime();
                if (now - until >= 0) {
                    return until == deadline ? deadlinePassed(st) : err(AbiError.TIMEOUT);
                }
                if (spins < SPINS) {
                    Thread.onSpinWait();
                } else {
                    LockSupport.parkNanos(Math.min(PARK_NS, until - now));
                }
            }
        }
        if (msg == null) {
            return err(AbiError.WOULD_BLOCK);
        }
        return deliver(c, st, (int) a[2], (int) a[3], msg);
    }

    // ------------------------------------------------------------------ result_read

    private long[] resultRead(Caller c, long[] a) {
        Hostcall h = Hostcall.RESULT_READ;
        AbiInstance st = state(c, h);
        range(c, h, "output buffer", a[0], a[1]);
        byte[] p = st.pending;
        if (p == null) {
            return err(AbiError.NO_RESULT);
        }
        int cap = (int) a[1];
        if (p.length > cap) {
            return new long[] {p.length};
        }
        c.write((int) a[0], p, 0, p.length);
        st.pending = null;
        return new long[] {p.length};
    }
}
