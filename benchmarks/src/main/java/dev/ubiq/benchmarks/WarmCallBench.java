package dev.ubiq.benchmarks;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import dev.ubiq.runtime.InvocationResult;
import dev.ubiq.runtime.Request;
import dev.ubiq.runtime.UbiqRuntime;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
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
 * A call into an already-running reactor (trivial_reactor: {@code ubiq_handle} echoes the request
 * without copying). Goal: Ubiq's pooled {@code invoke} at most 1 µs over raw Chicory.
 *
 * <ul>
 *   <li>{@code rawHandle}: {@code handle.apply(1024, 16)} on a pre-written request (export looked
 *       up once).
 *   <li>{@code rawWriteHandleRead}: baseline; write the 16-byte body, call, read the response.
 *   <li>{@code rawAbiCall}: the full reactor ABI by hand: {@code ubiq_alloc}, write, {@code
 *       ubiq_handle}, read. What Ubiq asks of the guest, so Ubiq minus this is pure host overhead.
 *   <li>{@code ubiqPooled}: {@code runtime.invoke} with the default manifest (pooled instances)
 *       and the default CPU metering (ADAPTIVE: these fast calls are not CPU-metered).
 *   <li>{@code ubiqPooledNoCpuMetering}: the same with {@code CpuMetering.OFF}.
 *   <li>{@code ubiqPooledCpuAlways}: the same with {@code CpuMetering.ALWAYS} (two thread-CPU
 *       clock reads per call).
 *   <li>{@code diagThreadCpuTime}: one {@code ThreadMXBean.getCurrentThreadCpuTime()}, the clock
 *       CPU metering reads twice per invocation.
 * </ul>
 *
 * SampleTime has a floor of one {@code System.nanoTime()} pair per sample (about 20-40 ns), so
 * AverageTime is the better figure for the sub-microsecond raw calls.
 */
@BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class WarmCallBench {
    static final byte[] PAYLOAD = InstantiateBench.PAYLOAD;
    static final int PTR = InstantiateBench.PTR;
    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    @State(Scope.Thread)
    public static class Raw {
        Instance instance;
        Memory memory;
        ExportFunction alloc;
        ExportFunction handle;

        @Setup
        public void setup() {
            var module = Guests.module("trivial_reactor.wasm");
            instance = Instance.builder(module)
                    .withMachineFactory(MachineFactoryCompiler.compile(module))
                    .withMemoryFactory(ByteArrayMemory::new)
                    .build();
            memory = instance.memory();
            alloc = instance.export("ubiq_alloc");
            handle = instance.export("ubiq_handle");
            memory.write(PTR, PAYLOAD);
        }
    }

    @State(Scope.Benchmark)
    public static class Ubiq {
        UbiqRuntime runtime;
        Request request;

        @Setup
        public void setup() {
            runtime = runtime(true);
            request = Request.of(PAYLOAD);
        }

        @TearDown
        public void tearDown() {
            runtime.close();
        }
    }

    @State(Scope.Benchmark)
    public static class UbiqNoCpuMetering {
        UbiqRuntime runtime;
        Request request;

        @Setup
        public void setup() {
            runtime = runtime(false);
            request = Request.of(PAYLOAD);
        }

        @TearDown
        public void tearDown() {
            runtime.close();
        }
    }

    /** {@code true}: the runtime's default CPU metering (ADAPTIVE); {@code false}: OFF. */
    @State(Scope.Benchmark)
    public static class UbiqCpuAlways {
        UbiqRuntime runtime;
        Request request;

        @Setup
        public void setup() {
            runtime = UbiqRuntime.builder().withCpuMetering(dev.ubiq.runtime.CpuMetering.ALWAYS).build();
            runtime.deploy("t", Guests.bytes("trivial_reactor.wasm"));
            request = Request.of(PAYLOAD);
        }

        @TearDown
        public void tearDown() {
            runtime.close();
        }
    }

    static UbiqRuntime runtime(boolean meterCpu) {
        UbiqRuntime runtime = meterCpu ? UbiqRuntime.builder().build()
                : UbiqRuntime.builder().withCpuMetering(dev.ubiq.runtime.CpuMetering.OFF).build();
        runtime.deploy("t", Guests.bytes("trivial_reactor.wasm"));
        InvocationResult r = runtime.invoke("t", Request.of(PAYLOAD));
        if (!r.ok() || !Arrays.equals(r.output(), PAYLOAD)) {
            throw new IllegalStateException("ubiq echo failed: " + r.outcome() + " " + r.message());
        }
        return runtime;
    }

    @Benchmark
    public long rawHandle(Raw s) {
        return s.handle.apply(PTR, PAYLOAD.length)[0];
    }

    @Benchmark
    public byte[] rawWriteHandleRead(Raw s) {
        s.memory.write(PTR, PAYLOAD);
        long packed = s.handle.apply(PTR, PAYLOAD.length)[0];
        return s.memory.readBytes((int) (packed >>> 32), (int) packed);
    }

    @Benchmark
    public byte[] rawAbiCall(Raw s) {
        int ptr = (int) s.alloc.apply(PAYLOAD.length)[0];
        s.memory.write(ptr, PAYLOAD);
        long packed = s.handle.apply(ptr, PAYLOAD.length)[0];
        return s.memory.readBytes((int) (packed >>> 32), (int) packed);
    }

    @Benchmark
    public InvocationResult ubiqPooled(Ubiq s) {
        return s.runtime.invoke("t", s.request);
    }

    @Benchmark
    public InvocationResult ubiqPooledNoCpuMetering(UbiqNoCpuMetering s) {
        return s.runtime.invoke("t", s.request);
    }

    @Benchmark
    public InvocationResult ubiqPooledCpuAlways(UbiqCpuAlways s) {
        return s.runtime.invoke("t", s.request);
    }

    /** One thread-CPU-time read, as CPU metering does twice per invocation. */
    @Benchmark
    public long diagThreadCpuTime() {
        return THREADS.getCurrentThreadCpuTime();
    }
}
