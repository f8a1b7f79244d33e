package dev.ubiq.benchmarks;

import dev.ubiq.runtime.Manifest;
import dev.ubiq.runtime.Request;
import dev.ubiq.runtime.UbiqRuntime;
import dev.ubiq.runtime.engine.CompiledModule;
import dev.ubiq.runtime.engine.EngineInstance;
import dev.ubiq.runtime.engine.InstanceSpec;
import dev.ubiq.runtime.engine.InstanceState;
import dev.ubiq.runtime.internal.ChicoryEngine;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Snapshots: creating an instance from a snapshot against creating it the other ways, at 1, 16 and
 * 64 MiB of initialised memory ({@code guests/wat/bigmem.wat}: {@code fill(pages)} grows memory and
 * writes into every 4 KiB chunk, standing in for an init that builds a heap).
 *
 * <ul>
 *   <li>{@code forkFromSnapshot}: {@code CompiledModule.fork(state)} + close: copy-on-write, the goal
 *       is p50 at most 20 us at every size.
 *   <li>{@code freshInstantiateAndInit}: baseline; instantiate + run the init ({@code fill}) + close,
 *       what every new instance cost before snapshots.
 *   <li>{@code fullCopyFork}: baseline; instantiate + copy the snapshot's whole memory in + close, what
 *       a fork without copy-on-write costs.
 *   <li>{@code forkThroughput}: instance creations per second from one snapshot (throughput mode).
 *   <li>{@code dirtyThenReset}: a forked 16 MiB instance writes one byte into each of {@code
 *       dirtyChunks} 4 KiB chunks, then {@link EngineInstance#reset()}: the per-call cost of
 *       recycling a pooled instance, by number of dirtied chunks (writes and faults included).
 *   <li>{@code heavyInitPerInstance} vs {@code heavyFromSnapshot}: {@code guests/c/heavy_init.c}
 *       (an init of tens of ms) through the runtime: a fresh instance per call with init per
 *       instance ({@code snapshot = false}) against a fork per call.
 * </ul>
 *
 * <pre>{@code
 * benchmarks/run.sh SnapshotBench
 * }</pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
public class SnapshotBench {

    static InstanceSpec spec() {
        return new InstanceSpec(256L << 20, null);
    }

    /** bigmem filled to {@code sizeMiB} and captured. */
    @State(Scope.Benchmark)
    public static class Sized {
        @Param({"1", "16", "64"})
        public int sizeMiB;

        CompiledModule module;
        InstanceState state;
        byte[] image;

        @Setup
        public void setup() {
            module = new ChicoryEngine(false, null, s -> {}).compile(Guests.bytes("bigmem.wasm"), "bigmem");
            try (EngineInstance i = module.instantiate(spec())) {
                int pages = (int) i.function("fill").call(sizeMiB * 16)[0];
                if (pages != sizeMiB * 16) {
                    throw new IllegalStateException("fill returned " + pages);
                }
                image = i.read(0, (int) i.memoryBytes());
                state = i.captureState();
            }
            try (EngineInstance f = module.fork(state, spec())) {
                long want = 0;
                for (int a = 0; a < image.length; a += 4096) {
                    want += image[a] & 0xFF;
                }
                if ((int) f.function("sum").call()[0] != (int) want) {
                    throw new IllegalStateException("fork does not hold the snapshot");
                }
            }
        }
    }

    @Benchmark
    public long forkFromSnapshot(Sized s) {
        try (EngineInstance i = s.module.fork(s.state, spec())) {
            return i.memoryBytes();
        }
    }

    @Benchmark
    public long freshInstantiateAndInit(Sized s) {
        try (EngineInstance i = s.module.instantiate(spec())) {
            return i.function("fill").call(s.sizeMiB * 16)[0];
        }
    }

    @Benchmark
    public long fullCopyFork(Sized s) {
        try (EngineInstance i = s.module.instantiate(spec())) {
            i.function("grow").call(s.sizeMiB * 16);
            i.write(0, s.image);
            return i.memoryBytes();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public long forkThroughput(Sized s) {
        try (EngineInstance i = s.module.fork(s.state, spec())) {
            return i.memoryBytes();
        }
    }

    /** A forked 16 MiB instance to dirty and reset. */
    @State(Scope.Thread)
    public static class Recycled {
        @Param({"1", "16", "256", "1024"})
        public int dirtyChunks;

        EngineInstance instance;
        EngineInstance.EngineFunction touch;

        @Setup
        public void setup() {
            CompiledModule module = new ChicoryEngine(false, null, s -> {}).compile(Guests.bytes("bigmem.wasm"), "bigmem");
            InstanceState state;
            try (EngineInstance i = module.instantiate(spec())) {
                i.function("fill").call(256);
                state = i.captureState();
            }
            instance = module.fork(state, spec());
            touch = instance.function("touch");
        }

        @TearDown
        public void close() {
            instance.close();
        }
    }

    @Benchmark
    public int dirtyThenReset(Recycled r) {
        r.touch.call(r.dirtyChunks);
        int restored = r.instance.reset();
        if (restored != r.dirtyChunks) {
            throw new IllegalStateException("restored " + restored + " chunks, dirtied " + r.dirtyChunks);
        }
        return restored;
    }

    /** heavy_init deployed twice: init per instance, and from a snapshot; a fresh instance per call. */
    @State(Scope.Benchmark)
    public static class Heavy {
        UbiqRuntime runtime;
        Request request = Request.of("12345");

        @Setup(Level.Trial)
        public void setup() {
            runtime = UbiqRuntime.builder().build();
            byte[] wasm = Guests.bytes("heavy_init.wasm");
            runtime.deploy(wasm, Manifest.builder("per-instance").withReuseInstances(false).withSnapshot(false)
                    .withTimeoutMs(60_000).build());
            runtime.deploy(wasm, Manifest.builder("snapshot").withReuseInstances(false).withTimeoutMs(60_000).build());
            String a = runtime.invoke("per-instance", request).outputAsString();
            String b = runtime.invoke("snapshot", request).outputAsString();
            if (!a.equals(b) || !a.endsWith("ready=1")) {
                throw new IllegalStateException(a + " / " + b);
            }
        }

        @TearDown(Level.Trial)
        public void close() {
            runtime.close();
        }
    }

    @Benchmark
    @Fork(value = 1, jvmArgsAppend = {"-Xms2g", "-Xmx2g"})
    @Measurement(iterations = 3, time = 2)
    public byte[] heavyInitPerInstance(Heavy h) {
        return h.runtime.invoke("per-instance", h.request).output();
    }

    @Benchmark
    public byte[] heavyFromSnapshot(Heavy h) {
        return h.runtime.invoke("snapshot", h.request).output();
    }
}
