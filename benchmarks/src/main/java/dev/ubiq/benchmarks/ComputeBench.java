package dev.ubiq.benchmarks;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.wasm.WasmModule;
import dev.ubiq.runtime.internal.LimitedMemory;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * CPU-bound guest code called directly as exports: recursive fib (calls, no memory) and a dense
 * double matmul (memory loads and stores). Compares Chicory's compiled mode on its own
 * {@link ByteArrayMemory} (baseline) with the same code on Ubiq's {@link LimitedMemory} wrapper,
 * and the interpreter with compiled mode on fib(20) (fib(30) takes seconds per call interpreted,
 * too slow for this suite). {@code *Forked}: the same code in an instance forked from a snapshot
 * taken after {@code _initialize} (through the engine SPI), whose memory starts shared
 * copy-on-write: what every pooled or fresh instance runs on since snapshots. {@code benchmarks/run.sh} also runs the gcc -O2 builds of the same C
 * files and prints wasm/native ratios.
 *
 * <p>Each benchmark method runs in its own JVM fork, so the compiled code's {@code Memory} call
 * sites see one memory class each: the numbers are the monomorphic case, as in Ubiq (which only
 * ever uses {@link LimitedMemory}).
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ComputeBench {
    /** fib(n) for the compiled runs; the interpreter runs {@link #FIB_INTERPRETED}. */
    public static final int FIB = 30;
    public static final int FIB_INTERPRETED = 20;
    /** matmul size; the native baseline is run with the same n (it supports up to 256). */
    public static final int MATMUL_N = 128;

    /** The guest exports of one instance. */
    static final class Guest {
        final ExportFunction fib;
        final ExportFunction matmul;

        Guest(Instance fibInstance, Instance matmulInstance) {
            fib = fibInstance.export("fib");
            matmul = matmulInstance.export("matmul");
        }
    }

    enum Kind { RAW_COMPILED, LIMITED_COMPILED, INTERPRETER }

    static Instance instance(String file, Kind kind) {
        WasmModule module = Guests.module(file);
        var b = Instance.builder(module);
        if (kind == Kind.LIMITED_COMPILED) {
            b.withMemoryFactory(limits -> new LimitedMemory(limits, 65536));
        } else {
            b.withMemoryFactory(ByteArrayMemory::new);
        }
        if (kind != Kind.INTERPRETER) {
            b.withMachineFactory(MachineFactoryCompiler.compile(module));
        }
        Instance i = b.build();
        i.export("_initialize").apply();
        return i;
    }

    static Guest guest(Kind kind) {
        Guest g = new Guest(instance("fib.wasm", kind), instance("matmul.wasm", kind));
        int n = kind == Kind.INTERPRETER ? FIB_INTERPRETED : FIB;
        check("fib(" + n + ")", g.fib.apply(n)[0], fib(n));
        if (kind != Kind.INTERPRETER) {
            check("matmul(" + MATMUL_N + ")", g.matmul.apply(MATMUL_N)[0], matmulChecksum(MATMUL_N));
        }
        return g;
    }

    static void check(String what, long got, long want) {
        if ((int) got != (int) want) {
            throw new IllegalStateException(what + " returned " + got + ", expected " + want);
        }
    }

    static long fib(int n) {
        long a = 0;
        long b = 1;
        for (int i = 0; i < n; i++) {
            long t = a + b;
            a = b;
            b = t;
        }
        return a;
    }

    /** The same checksum matmul.c computes, in Java. */
    static long matmulChecksum(int n) {
        double sum = 0;
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int k = 0; k < n; k++) {
                    s += ((i + k) % 7) * (double) ((k * j) % 5);
                }
                sum += s;
            }
        }
        return (int) sum;
    }

    @State(Scope.Thread)
    public static class Raw {
        Guest g;

        @Setup
        public void setup() {
            g = guest(Kind.RAW_COMPILED);
        }
    }

    @State(Scope.Thread)
    public static class Limited {
        Guest g;

        @Setup
        public void setup() {
            g = guest(Kind.LIMITED_COMPILED);
        }
    }

    @State(Scope.Thread)
    public static class Interpreted {
        Guest g;

        @Setup
        public void setup() {
            g = guest(Kind.INTERPRETER);
        }
    }

    /** fib and matmul in instances forked from snapshots taken after {@code _initialize}. */
    @State(Scope.Thread)
    public static class Forked {
        dev.ubiq.runtime.engine.EngineInstance.EngineFunction fib;
        dev.ubiq.runtime.engine.EngineInstance.EngineFunction matmul;

        static dev.ubiq.runtime.engine.EngineInstance fork(String file) {
            var module = new dev.ubiq.runtime.internal.ChicoryEngine(false, null, line -> {})
                    .compile(Guests.bytes(file), file);
            var spec = new dev.ubiq.runtime.engine.InstanceSpec(256L << 20, null);
            dev.ubiq.runtime.engine.InstanceState state;
            try (var first = module.instantiate(spec)) {
                first.function("_initialize").call();
                state = first.captureState();
            }
            return module.fork(state, spec);
        }

        @Setup
        public void setup() {
            fib = fork("fib.wasm").function("fib");
            matmul = fork("matmul.wasm").function("matmul");
            check("fib(" + FIB + ")", fib.call(FIB)[0], fib(FIB));
            check("matmul(" + MATMUL_N + ")", matmul.call(MATMUL_N)[0], matmulChecksum(MATMUL_N));
        }
    }

    @Benchmark
    public long fib30CompiledForked(Forked s) {
        return s.fib.call(FIB)[0];
    }

    @Benchmark
    public long matmul128CompiledForked(Forked s) {
        return s.matmul.call(MATMUL_N)[0];
    }

    @Benchmark
    public long fib30CompiledRaw(Raw s) {
        return s.g.fib.apply(FIB)[0];
    }

    @Benchmark
    public long fib30CompiledLimitedMemory(Limited s) {
        return s.g.fib.apply(FIB)[0];
    }

    @Benchmark
    public long fib20CompiledRaw(Raw s) {
        return s.g.fib.apply(FIB_INTERPRETED)[0];
    }

    @Benchmark
    public long fib20Interpreter(Interpreted s) {
        return s.g.fib.apply(FIB_INTERPRETED)[0];
    }

    @Benchmark
    public long matmul128CompiledRaw(Raw s) {
        return s.g.matmul.apply(MATMUL_N)[0];
    }

    @Benchmark
    public long matmul128CompiledLimitedMemory(Limited s) {
        return s.g.matmul.apply(MATMUL_N)[0];
    }
}
