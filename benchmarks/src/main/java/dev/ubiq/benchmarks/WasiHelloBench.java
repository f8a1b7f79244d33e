package dev.ubiq.benchmarks;

import com.dylibso.chicory.compiler.MachineFactoryCompiler;
import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.WasmModule;
import dev.ubiq.runtime.InvocationResult;
import dev.ubiq.runtime.Request;
import dev.ubiq.runtime.UbiqRuntime;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
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
 * One run of a WASI command (hello.wasm: prints a line, echoes stdin) in a fresh instance, as
 * every command invocation is. Goal: Ubiq p50 at most 200 µs.
 *
 * <ul>
 *   <li>{@code rawWasi}: baseline; new {@code WasiPreview1} with byte-array stdin/stdout, its host
 *       functions as imports, instantiate with a reused compiled machine factory, call
 *       {@code _start}.
 *   <li>{@code ubiq}: {@code runtime.invoke("hello", Request.of("hi"))}.
 * </ul>
 */
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 4, time = 1)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class WasiHelloBench {
    static final byte[] STDIN = "hi".getBytes(StandardCharsets.UTF_8);
    static final String EXPECTED = "hello from wasm\necho: hi";

    @State(Scope.Benchmark)
    public static class Raw {
        WasmModule module;
        Function<Instance, Machine> factory;

        @Setup
        public void setup() {
            module = Guests.module("hello.wasm");
            factory = MachineFactoryCompiler.compile(module);
            String out = new String(run(this), StandardCharsets.UTF_8);
            if (!out.equals(EXPECTED)) {
                throw new IllegalStateException("raw hello printed " + out);
            }
        }
    }

    @State(Scope.Benchmark)
    public static class Ubiq {
        UbiqRuntime runtime;

        @Setup
        public void setup() {
            runtime = UbiqRuntime.builder().build();
            runtime.deploy("hello", Guests.bytes("hello.wasm"));
            InvocationResult r = runtime.invoke("hello", Request.of("hi"));
            if (!r.ok() || !r.outputAsString().equals(EXPECTED)) {
                throw new IllegalStateException("ubiq hello: " + r.outcome() + " " + r.message()
                        + " output " + r.outputAsString());
            }
        }

        @TearDown
        public void tearDown() {
            runtime.close();
        }
    }

    static byte[] run(Raw s) {
        var stdout = new ByteArrayOutputStream();
        var options = WasiOptions.builder()
                .withStdin(new ByteArrayInputStream(STDIN))
                .withStdout(stdout)
                .withStderr(new ByteArrayOutputStream())
                .build();
        try (var wasi = WasiPreview1.builder().withOptions(options).build()) {
            Instance instance = Instance.builder(s.module)
                    .withMachineFactory(s.factory)
                    .withMemoryFactory(ByteArrayMemory::new)
                    .withImportValues(ImportValues.builder().addFunction(wasi.toHostFunctions()).build())
                    .withStart(false)
                    .build();
            try {
                instance.export("_start").apply();
            } catch (WasiExitException e) {
                if (e.exitCode() != 0) {
                    throw new IllegalStateException("hello exited with " + e.exitCode());
                }
            }
        }
        return stdout.toByteArray();
    }

    @Benchmark
    public byte[] rawWasi(Raw s) {
        return run(s);
    }

    @Benchmark
    public InvocationResult ubiq(Ubiq s) {
        // a new Request per call, as a server would build one per incoming request
        return s.runtime.invoke("hello", Request.of(STDIN));
    }
}
