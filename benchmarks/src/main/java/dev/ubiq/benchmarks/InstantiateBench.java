package dev.ubiq.benchmarks;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import dev.ubiq.runtime.InvocationResult;
import dev.ubiq.runtime.Manifest;
import dev.ubiq.runtime.Request;
import dev.ubiq.runtime.UbiqRuntime;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A fresh isolate per request: Ubiq with {@code reuse_instances = false} against raw Chicory
 * instantiating the same compiled module. Goal: Ubiq p50 at most 10 µs and at most 25% over raw.
 *
 * <ul>
 *   <li>{@code rawInstantiate}: {@code Instance.builder(...).build()} only (reference).
 *   <li>{@code rawInstantiateAndCall}: baseline; instantiate, write the 16-byte request at 1024,
 *       call {@code ubiq_handle}, read the response: the same guest-visible work as Ubiq's path,
 *       without the ABI's {@code ubiq_alloc} call.
 *   <li>{@code rawInstantiateAndCallCapped}: the same with the memory's maximum capped at 2048
 *       pages (128 MiB, Ubiq's default limit). Chicory 1.7.5's {@code ByteArrayMemory} allocates
 *       a page table of {@code min(max, 32767)} references up front, so the uncapped baseline (no
 *       declared maximum: 65536 pages) allocates a 128 KiB table per instance that Ubiq's capped
 *       memory does not; this variant is the like-for-like baseline.
 *   <li>{@code ubiqFreshIsolate}: {@code runtime.invoke} on a function deployed with
 *       {@code withReuseInstances(false)}.
 *   <li>{@code diagMissingExportLookup}: what one {@code instance.export(name)} of an export the
 *       module does not have costs (Chicory throws); Ubiq's fresh-isolate path probes two optional
 *       exports ({@code _initialize}, {@code ubiq_init}) this way per instance.
 * </ul>
 *
 * <pre>{@code
 * benchmarks/run.sh InstantiateBench
 * }</pre>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class InstantiateBench {
    static final byte[] PAYLOAD = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    static final int PTR = 1024;
    /** Ubiq's default memory limit, 128 MiB, in pages. */
    static final int CAP_PAGES = 2048;

    @State(Scope.Benchmark)
    public static class Raw {
        WasmModule module;
        Function<Instance, Machine> factory;
        Instance probe;

        @Setup
        public void setup() {
            module = Guests.module("trivial_reactor.wasm");
            factory = MachineFactoryCompiler.compile(module);
            probe = build(this);
            byte[] out = call(probe);
            if (!Arrays.equals(out, PAYLOAD)) {
                throw new IllegalStateException("raw echo returned " + Arrays.toString(out));
            }
        }
    }

    @State(Scope.Benchmark)
    public static class Ubiq {
        UbiqRuntime runtime;
        Request request;

        @Setup
        public void setup() {
            runtime = UbiqRuntime.builder().build();
            runtime.deploy(Guests.bytes("trivial_reactor.wasm"),
                    Manifest.builder("t").withReuseInstances(false).build());
            request = Request.of(PAYLOAD);
            InvocationResult r = runtime.invoke("t", request);
            if (!r.ok() || !Arrays.equals(r.output(), PAYLOAD)) {
                throw new IllegalStateException("ubiq echo failed: " + r.outcome() + " " + r.message());
            }
        }

        @TearDown
        public void tearDown() {
            runtime.close();
        }
    }

    static Instance build(Raw s) {
        return Instance.builder(s.module)
                .withMachineFactory(s.factory)
                .withMemoryFactory(ByteArrayMemory::new)
                .build();
    }

    static Instance buildCapped(Raw s) {
        return Instance.builder(s.module)
                .withMachineFactory(s.factory)
                .withMemoryFactory(limits -> new ByteArrayMemory(new MemoryLimits(
                        limits.initialPages(), Math.min(limits.maximumPages(), CAP_PAGES), limits.shared())))
                .build();
    }

    static byte[] call(Instance instance) {
        Memory memory = instance.memory();
        memory.write(PTR, PAYLOAD);
        long packed = instance.export("ubiq_handle").apply(PTR, PAYLOAD.length)[0];
        return memory.readBytes((int) (packed >>> 32), (int) packed);
    }

    @Benchmark
    public Instance rawInstantiate(Raw s) {
        return build(s);
    }

    @Benchmark
    public byte[] rawInstantiateAndCall(Raw s) {
        return call(build(s));
    }

    @Benchmark
    public byte[] rawInstantiateAndCallCapped(Raw s) {
        return call(buildCapped(s));
    }

    @Benchmark
    public InvocationResult ubiqFreshIsolate(Ubiq s) {
        return s.runtime.invoke("t", s.request);
    }

    @Benchmark
    public Object diagMissingExportLookup(Raw s) {
        try {
            return s.probe.export("ubiq_init");
        } catch (ChicoryException e) {
            return e;
        }
    }
}
