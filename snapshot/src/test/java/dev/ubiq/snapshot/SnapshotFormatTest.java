package dev.ubiq.snapshot;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ubiq.runtime.Manifest;
import dev.ubiq.runtime.Request;
import dev.ubiq.runtime.SnapshotStore;
import dev.ubiq.runtime.UbiqRuntime;
import dev.ubiq.runtime.engine.InstanceState;
import dev.ubiq.runtime.engine.ValueType;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.zip.CRC32C;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SnapshotFormatTest {
    static Snapshot snap;

    /** A snapshot of snap_reactor after its setup, captured by a real runtime. */
    @BeforeAll
    static void capture() {
        AtomicReference<Snapshot> got = new AtomicReference<>();
        SnapshotStore grab = new SnapshotStore() {
            @Override
            public InstanceState load(Key key) {
                return null;
            }

            @Override
            public void save(Key key, InstanceState state) {
                got.set(new Snapshot(key.function(), key.version(), key.moduleSha256(), 1_700_000_000_000L, state));
            }

            @Override
            public void deleteAll(String function) {}
        };
        try (var rt = UbiqRuntime.builder().withSnapshotStore(grab).build()) {
            rt.deploy(Guests.bytes("snap_reactor"), Manifest.builder("snap").withInit("setup").build());
        }
        snap = got.get();
    }

    @Test
    void roundTripsEveryPart() {
        byte[] bytes = SnapshotFormat.toBytes(snap);
        Snapshot back = SnapshotFormat.fromBytes(bytes);
        assertEquals(snap.function(), back.function());
        assertEquals(snap.version(), back.version());
        assertEquals(snap.moduleSha256(), back.moduleSha256());
        assertEquals(snap.createdEpochMs(), back.createdEpochMs());
        InstanceState a = snap.state();
        InstanceState b = back.state();
        assertEquals(a.memoryPages(), b.memoryPages());
        for (int i = 0; i < a.memoryPages(); i++) {
            assertEquals(a.page(i), b.page(i), "page " + i);
        }
        assertEquals(a.globalTypes(), b.globalTypes());
        for (int i = 0; i < a.globalTypes().size(); i++) {
            assertEquals(a.globalLow(i), b.globalLow(i));
        }
        assertEquals(a.tableCount(), b.tableCount());
        for (int t = 0; t < a.tableCount(); t++) {
            assertArrayEquals(a.table(t), b.table(t));
        }
        // byte-identical when written again
        assertArrayEquals(bytes, SnapshotFormat.toBytes(back));
    }

    @Test
    void zeroPagesTakeNoSpace() {
        byte[][] chunks = new byte[1024 * InstanceState.CHUNKS_PER_PAGE][];
        for (int i = 0; i < chunks.length; i++) {
            chunks[i] = new byte[InstanceState.CHUNK_SIZE];
        }
        chunks[3 * 16][7] = 1;
        chunks[1000 * 16 + 15][4095] = 2;
        InstanceState s = InstanceState.of(chunks, new int[0], List.of(), new long[0], new int[0][]);
        assertEquals(2, s.nonZeroPages());
        assertEquals(2, s.nonZeroChunks());
        byte[] bytes = SnapshotFormat.toBytes(new Snapshot("big", 1, snap.moduleSha256(), 0, s));
        assertTrue(bytes.length < 2 * 4100 + 512, bytes.length + " bytes for 64 MiB of memory");
        InstanceState back = SnapshotFormat.fromBytes(bytes).state();
        assertEquals(1024, back.memoryPages());
        assertEquals(1, back.page(3).get(7));
        assertEquals(2, back.page(1000).get(65535));
        assertTrue(back.isZeroPage(4));
    }

    @Test
    void everyFlippedByteIsDetected() {
        byte[] bytes = SnapshotFormat.toBytes(snap);
        // one position in each part: header, each small section, memory payload, last checksum byte
        int[] positions = {3, 9, 20, 50, 64 + 3, 64 + 18, 64 + 40, bytes.length / 2, bytes.length - 7_000, bytes.length - 1};
        for (int pos : positions) {
            byte[] bad = bytes.clone();
            bad[pos] ^= 0x10;
            var e = assertThrows(CorruptSnapshotException.class, () -> SnapshotFormat.fromBytes(bad), "flip at " + pos);
            assertTrue(e.getMessage().contains("checksum") || e.getMessage().contains("not a Ubiq snapshot")
                    || e.getMessage().contains("version") || e.getMessage().contains("section"),
                    "flip at " + pos + ": " + e.getMessage());
        }
    }

    @Test
    void memoryCorruptionNamesTheSection() {
        byte[] bad = SnapshotFormat.toBytes(snap);
        bad[bad.length - 1000] ^= 1;
        var e = assertThrows(CorruptSnapshotException.class, () -> SnapshotFormat.fromBytes(bad));
        assertEquals("section MEMO: checksum mismatch (the file is corrupted)", e.getMessage());
    }

    @Test
    void everyTruncationIsDetected() {
        byte[] bytes = SnapshotFormat.toBytes(snap);
        for (int len : new int[] {0, 7, 63, 64, 70, 100, 200, bytes.length / 2, bytes.length - 4, bytes.length - 1}) {
            byte[] cut = Arrays.copyOf(bytes, len);
            var e = assertThrows(CorruptSnapshotException.class, () -> SnapshotFormat.fromBytes(cut), "length " + len);
            assertTrue(e.getMessage().startsWith("truncated"), len + ": " + e.getMessage());
        }
    }

    @Test
    void trailingBytesAreRefused() {
        byte[] bytes = SnapshotFormat.toBytes(snap);
        byte[] longer = Arrays.copyOf(bytes, bytes.length + 1);
        var e = assertThrows(CorruptSnapshotException.class, () -> SnapshotFormat.fromBytes(longer));
        assertTrue(e.getMessage().contains("after the last section"), e.getMessage());
    }

    @Test
    void anotherFormatVersionIsRefusedByName() {
        byte[] v2 = withHeader(SnapshotFormat.toBytes(snap), b -> b.putShort(8, (short) 2));
        var e = assertThrows(CorruptSnapshotException.class, () -> SnapshotFormat.fromBytes(v2));
        assertEquals("snapshot format version 2, this node reads version 1 only", e.getMessage());
    }

    @Test
    void notASnapshotAtAll() {
        byte[] wasm = Arrays.copyOf(Guests.bytes("fib"), 200);
        var e = assertThrows(CorruptSnapshotException.class, () -> SnapshotFormat.fromBytes(wasm));
        assertTrue(e.getMessage().startsWith("not a Ubiq snapshot"), e.getMessage());
    }

    @Test
    void hostileCountsAreCappedBeforeAllocating() {
        // a GLOB section claiming 2^31-1 globals, with a correct checksum
        byte[] header = Arrays.copyOf(SnapshotFormat.toBytes(snap), 64);
        ByteBuffer meta = section("META", ByteBuffer.allocate(7).putShort((short) 1).put((byte) 'x').putInt(1).array());
        ByteBuffer glob = section("GLOB", ByteBuffer.allocate(4).putInt(Integer.MAX_VALUE).array());
        byte[] file = ByteBuffer.allocate(64 + meta.capacity() + glob.capacity()).put(header).put(meta.array())
                .put(glob.array()).array();
        var e = assertThrows(CorruptSnapshotException.class, () -> SnapshotFormat.fromBytes(file));
        assertTrue(e.getMessage().contains("above the limit"), e.getMessage());
    }

    @Test
    void stateWithoutMemoryRoundTrips() {
        InstanceState s = InstanceState.of(null, new int[0], List.of(ValueType.I64, ValueType.V128),
                new long[] {42, 0, 1, 2}, new int[][] {{-1, 3}});
        Snapshot back = SnapshotFormat.fromBytes(SnapshotFormat.toBytes(new Snapshot("f", 2, snap.moduleSha256(), 5, s)));
        assertEquals(false, back.state().hasMemory());
        assertEquals(2, back.state().globalHigh(1));
        assertArrayEquals(new int[] {-1, 3}, back.state().table(0));
        assertTrue(back.describe().contains("v128 = 0x00000000000000020000000000000001"), back.describe());
    }

    @Test
    void forkFromTheReadBackSnapshotAnswersTheSame() {
        Snapshot back = SnapshotFormat.fromBytes(SnapshotFormat.toBytes(snap));
        String a;
        String b;
        try (var rt = UbiqRuntime.builder().withSnapshotStore(fixed(snap)).build()) {
            rt.deploy(Guests.bytes("snap_reactor"), Manifest.builder("snap").withInit("setup").build());
            a = rt.invoke("snap", Request.of("x")).outputAsString();
        }
        try (var rt = UbiqRuntime.builder().withSnapshotStore(fixed(back)).build()) {
            rt.deploy(Guests.bytes("snap_reactor"), Manifest.builder("snap").withInit("setup").build());
            b = rt.invoke("snap", Request.of("x")).outputAsString();
        }
        assertTrue(a.startsWith("calls=1 setups=1"), a);
        assertEquals(a, b);
    }

    /** A store that hands out one snapshot and refuses to save (so a re-initialisation would fail the test). */
    static SnapshotStore fixed(Snapshot s) {
        return new SnapshotStore() {
            @Override
            public InstanceState load(Key key) {
                return s.state();
            }

            @Override
            public void save(Key key, InstanceState state) {
                throw new AssertionError("the runtime initialised again instead of forking from the snapshot");
            }

            @Override
            public void deleteAll(String function) {}
        };
    }

    static ByteBuffer section(String tag, byte[] payload) {
        ByteBuffer b = ByteBuffer.allocate(16 + payload.length + 4);
        b.put(tag.getBytes()).putInt(0).putLong(payload.length).put(payload);
        CRC32C c = new CRC32C();
        c.update(b.array(), 0, 16 + payload.length);
        b.putInt((int) c.getValue());
        return b;
    }

    static byte[] withHeader(byte[] bytes, java.util.function.Consumer<ByteBuffer> edit) {
        byte[] out = bytes.clone();
        ByteBuffer b = ByteBuffer.wrap(out);
        edit.accept(b);
        CRC32C c = new CRC32C();
        c.update(out, 0, 60);
        b.putInt(60, (int) c.getValue());
        return out;
    }
}
