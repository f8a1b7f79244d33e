package dev.ubiq.runtime.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The copy-on-write memory against a plain byte array: random loads and stores (many across 4 KiB
 * chunk boundaries), copies, fills and grows give the same bytes, and never change the snapshot
 * another fork starts from.
 */
class LimitedMemoryTest {
    static final int PAGES = 3;
    static final MemoryLimits LIMITS = new MemoryLimits(PAGES, 8);

    /** A memory with a pattern in it, captured; returns the frozen chunks. */
    static byte[][] snapshot(byte[] model) {
        LimitedMemory m = new LimitedMemory(LIMITS, 8);
        new Random(7).nextBytes(model);
        // leave some chunks all-zero so the shared zero chunk is exercised
        java.util.Arrays.fill(model, 4096, 3 * 4096, (byte) 0);
        m.write(0, model, 0, model.length);
        return m.capture();
    }

    static byte[] contents(LimitedMemory m) {
        return m.readBytes(0, m.pages() * 65536);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4, 5})
    void forkBehavesLikeAPlainArray(long seed) {
        byte[] model = new byte[PAGES * 65536];
        byte[][] frozen = snapshot(model);
        byte[] original = model.clone();
        LimitedMemory m = LimitedMemory.fork(frozen, new int[0], LIMITS, 8);
        m.initialize(null, null, 0); // what Chicory does on build: must keep the snapshot's contents
        ByteBuffer ref = ByteBuffer.wrap(model).order(ByteOrder.LITTLE_ENDIAN);
        Random r = new Random(seed);
        for (int step = 0; step < 20_000; step++) {
            int size = model.length;
            // addresses near chunk boundaries half of the time
            int addr = r.nextBoolean() ? r.nextInt(size) : Math.max(0, r.nextInt(size / 4096) * 4096 + r.nextInt(16) - 8);
            switch (r.nextInt(9)) {
                case 0 -> {
                    if (addr + 4 <= size) {
                        int v = r.nextInt();
                        m.writeI32(addr, v);
                        ref.putInt(addr, v);
                    }
                }
                case 1 -> {
                    if (addr + 8 <= size) {
                        long v = r.nextLong();
                        m.writeLong(addr, v);
                        ref.putLong(addr, v);
                    }
                }
                case 2 -> {
                    if (addr + 2 <= size) {
                        short v = (short) r.nextInt();
                        m.writeShort(addr, v);
                        ref.putShort(addr, v);
                    }
                }
                case 3 -> {
                    if (addr < size) {
                        byte v = (byte) r.nextInt();
                        m.writeByte(addr, v);
                        model[addr] = v;
                    }
                }
                case 4 -> {
                    int len = r.nextInt(10_000);
                    if (addr + len <= size) {
                        byte[] data = new byte[len];
                        r.nextBytes(data);
                        m.write(addr, data, 0, len);
                        System.arraycopy(data, 0, model, addr, len);
                    }
                }
                case 5 -> {
                    int len = r.nextInt(20_000);
                    int src = r.nextInt(size);
                    if (addr + len <= size && src + len <= size) {
                        m.copy(addr, src, len);
                        System.arraycopy(model, src, model, addr, len);
                    }
                }
                case 6 -> {
                    int len = r.nextInt(10_000);
                    if (addr + len <= size) {
                        byte v = (byte) (r.nextInt(3) == 0 ? 0 : r.nextInt());
                        m.fill(v, addr, addr + len);
                        java.util.Arrays.fill(model, addr, addr + len, v);
                    }
                }
                case 7 -> {
                    if (addr + 8 <= size) {
                        assertEquals(ref.getLong(addr), m.readLong(addr), "readLong at " + addr);
                        assertEquals(ref.getInt(addr), m.readInt(addr), "readInt at " + addr);
                        assertEquals(ref.getDouble(addr), m.readDouble(addr), "readDouble at " + addr);
                        assertEquals(ref.getShort(addr), m.readShort(addr), "readShort at " + addr);
                    }
                }
                default -> {
                    if (addr + 4 <= size) {
                        float f = Float.intBitsToFloat(r.nextInt());
                        m.writeF32(addr, f);
                        ref.putFloat(addr, f);
                        assertEquals(Float.floatToRawIntBits(f), Float.floatToRawIntBits(m.readFloat(addr)));
                    }
                }
            }
        }
        assertArrayEquals(model, contents(m));
        // the snapshot did not change: another fork sees the original
        LimitedMemory other = LimitedMemory.fork(frozen, new int[0], LIMITS, 8);
        assertArrayEquals(original, contents(other));
        // and a reset brings this one back to it
        assertTrue(m.reset() > 0);
        assertEquals(0, m.dirtyChunks());
        assertArrayEquals(original, contents(m));
    }

    @Test
    void writesFaultOnlyTheChunksTheyTouch() {
        byte[] model = new byte[PAGES * 65536];
        byte[][] frozen = snapshot(model);
        LimitedMemory m = LimitedMemory.fork(frozen, new int[0], LIMITS, 8);
        m.readLong(100);
        assertEquals(0, m.dirtyChunks(), "reads do not copy");
        m.writeLong(4092, -1L);                         // straddles chunks 0 and 1
        assertEquals(2, m.dirtyChunks());
        m.fill((byte) 0, 2 * 4096, 3 * 4096);          // zeros onto the shared zero chunk: nothing to copy
        assertEquals(2, m.dirtyChunks());
        assertEquals(2, m.reset());
        m.writeI32(0, 5);                               // after a reset the private chunk is reused
        assertEquals(1, m.dirtyChunks());
        assertEquals(0, frozen[0][0] == 5 ? 1 : 0, "the snapshot's chunk was never written");
    }

    @Test
    void anUnwrittenForkSharesEvenItsChunkTable() {
        byte[][] frozen = snapshot(new byte[PAGES * 65536]);
        LimitedMemory m = LimitedMemory.fork(frozen, new int[0], LIMITS, 8);
        assertTrue(m.capture() == frozen, "capturing an unwritten fork is the snapshot itself");
        assertEquals(0, m.reset());
        byte before = frozen[70_000 >>> 12][70_000 & 4095];
        m.writeByte(70_000, (byte) (before + 1));       // the first write takes the tables private
        assertEquals(1, m.dirtyChunks());
        assertEquals((byte) (before + 1), m.read(70_000));
        assertEquals(before, frozen[70_000 >>> 12][70_000 & 4095], "the snapshot's chunk is untouched");
        LimitedMemory g = LimitedMemory.fork(frozen, new int[0], LIMITS, 8);
        assertEquals(PAGES, g.grow(1));                  // a grow takes them private too
        g.writeI32(PAGES * 65536, 1);
        assertEquals(1, g.readInt(PAGES * 65536));
        assertEquals(16 + 0, g.reset());
    }

    @Test
    void resetDropsGrownPagesAndTheLimitFlag() {
        byte[] model = new byte[PAGES * 65536];
        LimitedMemory m = LimitedMemory.fork(snapshot(model), new int[0], LIMITS, 5);
        assertEquals(PAGES, m.grow(2));
        m.writeI32(PAGES * 65536 + 10, 42);
        assertEquals(-1, m.grow(1));
        assertTrue(m.limitHit());
        assertEquals(2 * 16, m.reset());
        assertEquals(PAGES, m.pages());
        assertTrue(!m.limitHit());
        assertThrows(WasmRuntimeException.class, () -> m.readInt(PAGES * 65536 + 10));
        assertEquals(PAGES, m.grow(2));
        assertEquals(0, m.readInt(PAGES * 65536 + 10), "a page grown again is zero");
    }

    @Test
    void outOfBoundsAccessesTrapWithoutGrowing() {
        LimitedMemory m = LimitedMemory.fork(snapshot(new byte[PAGES * 65536]), new int[0], LIMITS, 8);
        int size = PAGES * 65536;
        assertThrows(WasmRuntimeException.class, () -> m.writeI32(size - 2, 1));
        assertThrows(WasmRuntimeException.class, () -> m.readLong(size - 4));
        assertThrows(WasmRuntimeException.class, () -> m.writeByte(size, (byte) 1));
        assertThrows(WasmRuntimeException.class, () -> m.writeByte(-1, (byte) 1));
        assertThrows(WasmRuntimeException.class, () -> m.read(Integer.MIN_VALUE));
        assertThrows(WasmRuntimeException.class, () -> m.copy(size - 10, 0, 11));
        assertThrows(WasmRuntimeException.class, () -> m.fill((byte) 1, size - 1, size + 1));
        m.fill((byte) 1, size, size);                   // zero length at the end is allowed
        assertEquals(PAGES, m.pages());
        var e = assertThrows(WasmRuntimeException.class, () -> m.readInt(size));
        assertTrue(e.getMessage().startsWith("out of bounds memory access"), e.getMessage());
    }

    @Test
    void freshMemoryHasNothingToResetTo() {
        LimitedMemory m = new LimitedMemory(LIMITS, 8);
        assertEquals(PAGES * 16, m.dirtyChunks());
        assertThrows(IllegalStateException.class, m::reset);
        assertThrows(LimitedMemory.MemoryLimitAtInstantiation.class, () -> new LimitedMemory(LIMITS, 2));
    }
}
