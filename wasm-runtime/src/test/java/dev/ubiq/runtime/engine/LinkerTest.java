package dev.ubiq.runtime.engine;

import static dev.ubiq.runtime.engine.TinyWasm.FUNCREF;
import static dev.ubiq.runtime.engine.TinyWasm.I32;
import static dev.ubiq.runtime.engine.TinyWasm.b;
import static dev.ubiq.runtime.engine.TinyWasm.body;
import static dev.ubiq.runtime.engine.TinyWasm.cat;
import static dev.ubiq.runtime.engine.TinyWasm.name;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ubiq.runtime.UbiqException.UnlinkableModuleException;
import dev.ubiq.runtime.internal.ChicoryEngine;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LinkerTest {
    private static final long MAX_MEMORY = 64L << 20;

    /** (i32) -> i32 */
    private static final byte[] TYPE_I32_I32 = b(0x60, 1, I32, 1, I32);

    /**
     * "lib": exports inc (x + 1), mem (1..2 pages), g (mutable i32 = 7), tab (2 funcref).
     */
    static byte[] lib() {
        return new TinyWasm()
                .section(1, b(1), TYPE_I32_I32)
                .section(3, b(1, 0))
                .section(4, b(1, FUNCREF, 0, 2))
                .section(5, b(1, 1, 1, 2))
                .section(6, b(1, I32, 1, 0x41, 7, 0x0b))
                .section(7, b(4), name("inc"), b(0, 0), name("tab"), b(1, 0), name("mem"), b(2, 0), name("g"), b(3, 0))
                .section(10, b(1), body(0x20, 0, 0x41, 1, 0x6a, 0x0b))
                .build();
    }

    /**
     * Imports lib.inc, lib.mem, lib.g; run(x): y = inc(x); mem[0] = y; g = y; return y.
     */
    static byte[] user(String module) {
        return new TinyWasm()
                .section(1, b(1), TYPE_I32_I32)
                .section(2, b(3), name(module), name("inc"), b(0, 0), name(module), name("mem"), b(2, 0, 1),
                        name(module), name("g"), b(3, I32, 1))
                .section(3, b(1, 0))
                .section(7, b(1), name("run"), b(0, 1))
                .section(10, b(1), body(0x41, 0, 0x20, 0, 0x10, 0, 0x22, 0, 0x36, 2, 0, 0x20, 0, 0x24, 0, 0x20, 0, 0x0b))
                .build();
    }

    private static Engine engine(boolean interpreter) {
        return new ChicoryEngine(interpreter, null, s -> {});
    }

    @ParameterizedTest(name = "interpreter={0}")
    @ValueSource(booleans = {false, true})
    void registeredInstanceSharesFunctionMemoryAndGlobal(boolean interpreter) {
        Engine engine = engine(interpreter);
        try (EngineInstance lib = engine.compile(lib(), "lib").instantiate(new InstanceSpec(MAX_MEMORY, null))) {
            assertEquals(FunctionSignature.of(List.of(ValueType.I32), List.of(ValueType.I32)),
                    lib.function("inc").signature());
            assertArrayEquals(new long[] {7}, lib.global("g"));
            assertEquals("memory", lib.export("mem").kind());
            assertNull(lib.export("nope"));
            assertNull(lib.global("inc"), "not a global");

            Linker linker = Linker.builder().instance("lib", lib).build();
            try (EngineInstance user = engine.compile(user("lib"), "user")
                    .instantiate(new InstanceSpec(MAX_MEMORY, null, linker))) {
                assertArrayEquals(new long[] {42}, user.function("run").call(41));
                assertArrayEquals(new long[] {42}, lib.global("g"), "the global is the same cell");
                assertArrayEquals(new byte[] {42, 0, 0, 0}, lib.read(0, 4), "the memory is the same memory");
                assertArrayEquals(new byte[] {42, 0, 0, 0}, user.read(0, 4), "an imported memory can be read");
            }
        }
    }

    @ParameterizedTest(name = "interpreter={0}")
    @ValueSource(booleans = {false, true})
    void hostExternsAreSharedByEveryImporterOfOneLinker(boolean interpreter) {
        Engine engine = engine(interpreter);
        AtomicReference<byte[]> seen = new AtomicReference<>();
        var inc = new HostFunction(FunctionSignature.of(List.of(ValueType.I32), List.of(ValueType.I32)), (caller, args) -> {
            seen.set(caller.read(0, 4));
            return new long[] {args[0] + 100};
        });
        var mem = new HostMemory(1, 2);
        var g = HostGlobal.of(ValueType.I32, true, 5);
        Linker linker = Linker.builder().define("env", "inc", inc).define("env", "mem", mem).define("env", "g", g).build();
        CompiledModule m = engine.compile(user("env"), "user");
        try (EngineInstance a = m.instantiate(new InstanceSpec(MAX_MEMORY, null, linker));
                EngineInstance b = m.instantiate(new InstanceSpec(MAX_MEMORY, null, linker.toBuilder().build()))) {
            assertArrayEquals(new long[] {101}, a.function("run").call(1));
            assertArrayEquals(new byte[] {0, 0, 0, 0}, seen.get(), "the host read the caller's memory");
            assertArrayEquals(new byte[] {101, 0, 0, 0}, b.read(0, 4), "b sees a's write: one host memory");
            assertArrayEquals(new long[] {102}, b.function("run").call(2));
            assertArrayEquals(new byte[] {101, 0, 0, 0}, seen.get());
        }
    }

    @ParameterizedTest(name = "interpreter={0}")
    @ValueSource(booleans = {false, true})
    void rejectsMissingAndMistypedImports(boolean interpreter) {
        Engine engine = engine(interpreter);
        CompiledModule m = engine.compile(user("env"), "user");
        var missing = assertThrows(UnlinkableModuleException.class,
                () -> m.instantiate(new InstanceSpec(MAX_MEMORY, null)));
        assertTrue(missing.getMessage().contains("env"), missing.getMessage());

        var badSig = new HostFunction(FunctionSignature.of(List.of(ValueType.I64), List.of(ValueType.I32)), (c, a) -> a);
        Linker wrongType = Linker.builder().define("env", "inc", badSig).define("env", "mem", new HostMemory(1, 2))
                .define("env", "g", HostGlobal.of(ValueType.I32, true, 0)).build();
        assertThrows(UnlinkableModuleException.class, () -> m.instantiate(new InstanceSpec(MAX_MEMORY, null, wrongType)));

        Linker wrongKind = Linker.builder().define("env", "inc", new HostMemory(1, 1)).build();
        var kind = assertThrows(UnlinkableModuleException.class,
                () -> m.instantiate(new InstanceSpec(MAX_MEMORY, null, wrongKind)));
        assertTrue(kind.getMessage().contains("env.inc"), kind.getMessage());

        var ok = new HostFunction(FunctionSignature.of(List.of(ValueType.I32), List.of(ValueType.I32)), (c, a) -> a);
        Linker immutableGlobal = Linker.builder().define("env", "inc", ok).define("env", "mem", new HostMemory(1, 2))
                .define("env", "g", HostGlobal.of(ValueType.I32, false, 0)).build();
        assertThrows(UnlinkableModuleException.class,
                () -> m.instantiate(new InstanceSpec(MAX_MEMORY, null, immutableGlobal)));
    }

    @ParameterizedTest(name = "interpreter={0}")
    @ValueSource(booleans = {false, true})
    void twoArgumentSpecLinksNothingButWasi(boolean interpreter) {
        assertEquals(Linker.empty(), new InstanceSpec(MAX_MEMORY, null).linker());
        try (EngineInstance lib = engine(interpreter).compile(lib(), "lib").instantiate(new InstanceSpec(MAX_MEMORY, null))) {
            assertArrayEquals(new long[] {-1}, lib.function("inc").call(-2), "i32 results are sign-extended");
        }
    }
}
