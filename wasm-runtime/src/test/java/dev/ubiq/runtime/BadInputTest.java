package dev.ubiq.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ubiq.runtime.UbiqException.InstantiationException;
import dev.ubiq.runtime.UbiqException.InvalidModuleException;
import dev.ubiq.runtime.UbiqException.LimitExceededException;
import dev.ubiq.runtime.UbiqException.MalformedModuleException;
import dev.ubiq.runtime.UbiqException.UnlinkableModuleException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every bad module gives a specific error naming the problem, registers nothing, keeps the earlier
 * version of the same name, and leaves every other function working.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class BadInputTest {
    /** Valid encoding, but a function typed () -> i32 whose body leaves nothing on the stack. */
    static final byte[] INVALID = HexFormat.of().parseHex(
            "0061736d01000000" + "010501600001 7f".replace(" ", "") + "03020100" + "0a040102000b");

    UbiqRuntime rt;

    @BeforeEach
    void setUp() {
        rt = UbiqRuntime.builder().withLimits(Limits.builder().withMaxModuleBytes(200_000).build()).build();
        rt.deploy("hello", Guests.bytes("hello"));
        rt.deploy("victim", Guests.bytes("trivial_reactor"));
    }

    @AfterEach
    void tearDown() {
        rt.close();
    }

    private <T extends Throwable> T rejected(Class<T> type, byte[] wasm, String mustSay) {
        T e = assertThrows(type, () -> rt.deploy(wasm, Manifest.builder("victim").build()));
        assertTrue(e.getMessage().contains("victim"), "message names the function: " + e.getMessage());
        assertTrue(e.getMessage().contains(mustSay), "message says '" + mustSay + "': " + e.getMessage());
        // nothing registered, the earlier version still answers, the other function still works
        assertEquals(1, rt.registry().describe("victim").version());
        assertEquals("ping", rt.invoke("victim", Request.of("ping")).outputAsString());
        var hello = rt.invoke("hello", Request.of("still here"));
        assertEquals(Outcome.OK, hello.outcome(), hello.message());
        assertEquals(2, rt.functions().size());
        return e;
    }

    @Test
    void rejectsEmptyModule() {
        rejected(MalformedModuleException.class, new byte[0], "empty (0 bytes)");
    }

    @Test
    void rejectsBytesThatAreNotWasm() {
        rejected(MalformedModuleException.class, "(module)".getBytes(), "not a WebAssembly binary");
    }

    @Test
    void rejectsTruncatedModule() {
        byte[] hello = Guests.bytes("hello");
        rejected(MalformedModuleException.class, Arrays.copyOf(hello, hello.length / 2), "malformed");
    }

    @Test
    void rejectsInvalidModule() {
        rejected(InvalidModuleException.class, INVALID, "invalid module");
    }

    @Test
    void rejectsUnknownImport() {
        rejected(UnlinkableModuleException.class, Guests.bytes("unknown_import"), "does_not_exist");
    }

    @Test
    void rejectsStartFunctionThatTraps() {
        rejected(InstantiationException.class, Guests.bytes("start_trap"), "instantiate");
    }

    @Test
    void rejectsSimdTheEngineCannotRun() {
        rejected(InvalidModuleException.class, Guests.bytes("simd_reactor"), "uses SIMD");
    }

    @Test
    void rejectsModuleOverSizeLimit() {
        byte[] big = Guests.bytes("huge_function");
        assertTrue(big.length > 200_000);
        rejected(LimitExceededException.class, big, "exceeds the module size limit of 200000 bytes");
    }

    @Test
    void rejectsModuleWithNeitherShape() {
        // only exports memory and ubiq_alloc-free functions: no _start, no ubiq_handle
        byte[] noShape = HexFormat.of().parseHex("0061736d01000000");
        rejected(InvalidModuleException.class, noShape, "exports neither");
    }

    @Test
    void rejectsReactorWithWrongHandlerSignature() {
        // declared as a reactor, but hello is a WASI command
        var e = assertThrows(InvalidModuleException.class, () -> rt.deploy(Guests.bytes("hello"),
                Manifest.builder("victim").withShape(dev.ubiq.abi.FunctionShape.REACTOR).build()));
        assertTrue(e.getMessage().contains("ubiq_alloc") || e.getMessage().contains("ubiq_handle"), e.getMessage());
        assertEquals(1, rt.registry().describe("victim").version());
    }

    @Test
    void randomBytesNeverEscapeAsOtherExceptions() {
        var rnd = new java.util.Random(42);
        byte[] base = Guests.bytes("trivial_reactor");
        for (int i = 0; i < 300; i++) {
            byte[] m = base.clone();
            int flips = 1 + rnd.nextInt(4);
            for (int k = 0; k < flips; k++) {
                m[8 + rnd.nextInt(m.length - 8)] = (byte) rnd.nextInt(256);
            }
            Executable deploy = () -> rt.deploy(m, Manifest.builder("fuzz").build());
            try {
                deploy.execute();
                rt.undeploy("fuzz");
            } catch (UbiqException expected) {
                // any specific Ubiq error is fine; anything else fails the test
            } catch (Throwable t) {
                throw new AssertionError("mutant " + i + " escaped as " + t, t);
            }
        }
        assertNull(rt.registry().describe("fuzz"));
        assertEquals("ping", rt.invoke("victim", Request.of("ping")).outputAsString());
    }

    @Test
    void unknownFunctionIsNotFound() {
        var r = rt.invoke("nope", Request.of("x"));
        assertEquals(Outcome.NOT_FOUND, r.outcome());
        assertTrue(r.message().contains("'nope'"));
        assertThrows(UbiqException.FunctionNotFoundException.class, () -> rt.undeploy("nope"));
    }
}
