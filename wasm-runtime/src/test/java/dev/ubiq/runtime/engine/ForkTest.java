package dev.ubiq.runtime.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ubiq.runtime.Guests;
import dev.ubiq.runtime.UbiqException;
import dev.ubiq.runtime.internal.ChicoryEngine;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Capture, copy-on-write fork and dirty-page reset at the engine SPI, on real C guests. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ForkTest {
    private static final long MAX_MEMORY = 64L << 20;

    static CompiledModule compile(String guest, boolean interpreter) {
        return new ChicoryEngine(interpreter, null, s -> {}).compile(Guests.bytes(guest), guest);
    }

    static InstanceSpec spec() {
        WasiConfig w = new WasiConfig(List.of("t"), Map.of(), InputStream.nullInputStream(),
                new ByteArrayOutputStream(), new ByteArrayOutputStream(), Map.of());
        return new InstanceSpec(MAX_MEMORY, w);
    }

    /** Calls ubiq_handle with {@code body} and returns its response. */
    static String call(EngineInstance i, String body) {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        int ptr = (int) i.function("ubiq_alloc").call(Math.max(1, b.length))[0];
        i.write(ptr, b);
        long packed = i.function("ubiq_handle").call(ptr, b.length)[0];
        return new String(i.read((int) (packed >>> 32), (int) packed), StandardCharsets.UTF_8);
    }

    /** An instance of snap_reactor after _initialize and setup, and its captured state. */
    static InstanceState initialised(CompiledModule m) {
        try (EngineInstance first = m.instantiate(spec())) {
            first.function("_initialize").call();
            first.function("setup").call();
            return first.captureState();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyForkStartsFromTheSnapshot(boolean interpreter) {
        CompiledModule m = compile("snap_reactor", interpreter);
        InstanceState s = initialised(m);
        String first = null;
        for (int k = 0; k < 3; k++) {
            try (EngineInstance f = m.fork(s, spec())) {
                String r = call(f, "x");
                assertTrue(r.startsWith("calls=1 setups=1 sum="), r);
                if (first == null) {
                    first = r;
                }
                assertEquals(first, r);
                // the same instance keeps its state: the snapshot really was mutated in this fork only
                assertTrue(call(f, "x").startsWith("calls=2 setups=1"));
            }
        }
    }

    @Test
    void forkSharesPagesUntilWritten() {
        CompiledModule m = compile("snap_reactor", false);
        InstanceState s = initialised(m);
        try (EngineInstance f = m.fork(s, spec())) {
            assertEquals(0, f.dirtyChunks());
            assertEquals(s.memoryPages() * 65536L, f.memoryBytes());
            byte[] before = f.read(0, 65536 * 2);
            assertEquals(0, f.dirtyChunks(), "reads must not copy pages");
            call(f, "x");
            int dirty = f.dirtyChunks();
            assertTrue(dirty >= 64 && dirty < s.chunkCount(), "256 KiB table spans 64+ chunks, dirty=" + dirty + " of " + s.chunkCount());
            // the snapshot's pages did not change
            try (EngineInstance g = m.fork(s, spec())) {
                assertArrayEquals(before, g.read(0, 65536 * 2));
            }
        }
    }

    @Test
    void resetInstanceIsIndistinguishableFromAFreshFork() {
        CompiledModule m = compile("snap_reactor", false);
        InstanceState s = initialised(m);
        String fresh;
        byte[] freshMemory;
        try (EngineInstance f = m.fork(s, spec())) {
            freshMemory = f.read(0, (int) f.memoryBytes());
            fresh = call(f, "x");
        }
        try (EngineInstance f = m.fork(s, spec())) {
            call(f, "grow");                                    // dirties pages and grows memory by 4 MiB
            assertTrue(f.memoryBytes() > freshMemory.length);
            int restored = f.reset();
            assertTrue(restored >= 1024, "grown chunks count as restored: " + restored);
            assertEquals(0, f.dirtyChunks());
            assertEquals(freshMemory.length, f.memoryBytes());
            assertArrayEquals(freshMemory, f.read(0, freshMemory.length));
            assertEquals(fresh, call(f, "x"));                 // globals (calls, setups) restored too
            assertEquals(0, f.reset() == -1 ? -1 : 0);
            assertEquals(fresh, call(f, "x"));
        }
    }

    @Test
    void capturedInstanceCanBeResetToItsCapture() {
        CompiledModule m = compile("snap_reactor", false);
        try (EngineInstance i = m.instantiate(spec())) {
            assertEquals(-1, i.reset(), "a fresh instance has nothing to return to");
            i.function("_initialize").call();
            i.function("setup").call();
            i.captureState();
            String a = call(i, "x");
            assertTrue(i.reset() > 0);
            assertEquals(a, call(i, "x"));
        }
    }

    @Test
    void concurrentForksNeverSeeEachOthersWrites() throws Exception {
        CompiledModule m = compile("snap_reactor", false);
        InstanceState s = initialised(m);
        String expected;
        try (EngineInstance f = m.fork(s, spec())) {
            expected = call(f, "x");
        }
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Set<String>>> futures = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                futures.add(pool.submit(() -> {
                    Set<String> seen = new HashSet<>();
                    for (int k = 0; k < 25; k++) {
                        try (EngineInstance f = m.fork(s, spec())) {
                            seen.add(call(f, "x"));
                            call(f, "x");
                        }
                    }
                    return seen;
                }));
            }
            for (Future<Set<String>> f : futures) {
                assertEquals(Set.of(expected), f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void wasiCommandPreinitialisedWithWizerInitialize() {
        CompiledModule m = compile("wizer_command", false);
        InstanceState s;
        try (EngineInstance i = m.instantiate(spec())) {
            i.function("wizer.initialize").call();
            s = i.captureState();
        }
        for (int k = 0; k < 2; k++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            WasiConfig w = new WasiConfig(List.of("t"), Map.of(), InputStream.nullInputStream(), out,
                    new ByteArrayOutputStream(), Map.of());
            try (EngineInstance f = m.fork(s, new InstanceSpec(MAX_MEMORY, w))) {
                try {
                    f.function("_start").call();
                } catch (GuestExitException e) {
                    assertEquals(0, e.exitCode());
                }
            }
            String o = out.toString(StandardCharsets.UTF_8);
            assertTrue(o.startsWith("preinit=1 words=4096 check="), o);
            assertTrue(o.endsWith("calls=1\n"), o);
        }
    }

    @Test
    void refusesAStateFromAnotherModule() {
        InstanceState s = initialised(compile("snap_reactor", false));
        CompiledModule other = compile("fib", false);
        var e = assertThrows(UbiqException.InstantiationException.class, () -> other.fork(s, spec()));
        assertTrue(e.getMessage().contains("does not fit"), e.getMessage());
    }

    @Test
    void refusesAStateAboveTheMemoryLimit() {
        CompiledModule m = compile("snap_reactor", false);
        InstanceState s = initialised(m);
        InstanceSpec tiny = new InstanceSpec(65536L * (s.memoryPages() - 1), spec().wasi());
        assertThrows(UbiqException.LimitExceededException.class, () -> m.fork(s, tiny));
    }

    @Test
    void stateRebuiltFromItsPartsForksTheSame() {
        CompiledModule m = compile("snap_reactor", false);
        InstanceState s = initialised(m);
        byte[][] pages = new byte[s.chunkCount()][];
        for (int i = 0; i < pages.length; i++) {
            pages[i] = new byte[InstanceState.CHUNK_SIZE];
            s.chunk(i).get(pages[i]);
        }
        long[] globals = new long[2 * s.globalTypes().size()];
        for (int i = 0; i < s.globalTypes().size(); i++) {
            globals[2 * i] = s.globalLow(i);
            globals[2 * i + 1] = s.globalHigh(i);
        }
        int[][] tables = new int[s.tableCount()][];
        for (int t = 0; t < tables.length; t++) {
            tables[t] = s.table(t);
        }
        InstanceState copy = InstanceState.of(pages, s.droppedDataSegments(), s.globalTypes(), globals, tables);
        assertEquals(s.nonZeroChunks(), copy.nonZeroChunks());
        try (EngineInstance a = m.fork(s, spec()); EngineInstance b = m.fork(copy, spec())) {
            assertEquals(call(a, "x"), call(b, "x"));
        }
    }

    @Test
    void freshInstancesAreUnaffected() {
        CompiledModule m = compile("snap_reactor", false);
        InstanceState s = initialised(m);
        try (EngineInstance f = m.fork(s, spec()); EngineInstance fresh = m.instantiate(spec())) {
            fresh.function("_initialize").call();
            fresh.function("setup").call();
            assertEquals(call(f, "x"), call(fresh, "x"));
            assertNotEquals(0, fresh.dirtyChunks());
        }
    }
}
