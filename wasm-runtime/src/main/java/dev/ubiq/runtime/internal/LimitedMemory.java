package dev.ubiq.runtime.internal;

import com.dylibso.chicory.runtime.ConstantEvaluators;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import dev.ubiq.runtime.engine.InstanceState;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Linear memory of every Ubiq instance: 4 KiB chunks behind a chunk table, copy-on-write after a
 * fork, a hard page limit, and a record of a refused {@code memory.grow} (so a later trap can be
 * reported as "memory limit" rather than a generic trap).
 *
 * <p>Two chunk tables: {@code pages} for reads and {@code owned} for writes. A chunk this memory
 * owns is in both; a chunk shared with a snapshot is only in {@code pages} and its {@code owned}
 * slot is {@code null} until the first write copies it (the fault path). Reads therefore cost what
 * Chicory's own {@code ByteArrayMemory} costs (it is paged the same way, with 64 KiB pages); a store
 * costs one extra null test, a branch the JIT sees never taken once the hot chunks are owned. A
 * fresh instance owns all its chunks from the start.
 *
 * <p>Why 4 KiB and not the Wasm page size: {@link #reset} copies every chunk written since the fork
 * back from the snapshot, and a warm call of a small reactor dirties a few scattered spots (stack,
 * heap, data); with 64 KiB pages that cost 5-15 us per call, with 4 KiB chunks well under one. The
 * price is a 16 times larger table (8 bytes per 4 KiB of memory, both tables), which {@link #fork}
 * copies.
 *
 * <p>After a {@link #reset} a chunk keeps its private array (with the snapshot's bytes copied back)
 * and is marked unowned again, so the next write to it costs a table update, not a copy.
 *
 * <p>Why one class for everything: every instance of every module uses it, so the compiled code's
 * {@code Memory} call sites stay monomorphic (mixing classes made them 3-6x slower), and forked and
 * fresh instances of one function can share compiled code at full speed.
 *
 * <p>Not thread-safe, like an instance. Frozen chunk arrays (a snapshot's) are immutable and shared
 * by threads: no code path writes into a chunk that {@code owned} does not hold.
 */
public final class LimitedMemory implements Memory {
    private static final int CHUNK_SHIFT = 12;
    static final int CHUNK_SIZE = 1 << CHUNK_SHIFT;
    private static final int CHUNK_MASK = CHUNK_SIZE - 1;
    static final int CHUNKS_PER_PAGE = 65536 / CHUNK_SIZE;
    /** The one all-zero chunk all snapshots share for chunks never written; never written itself. */
    private static final byte[] ZERO_CHUNK = InstanceState.unsafeZeroChunk();
    private static final byte[][] NO_BASE = new byte[0][];
    /**
     * All-null write tables by length, shared by forks that have not written yet (never written
     * themselves). At most {@link #MAX_NULL_TABLES} are kept: one per distinct snapshot size, each
     * 4-8 bytes per 4 KiB chunk of that size (4 MiB for the largest possible, 4 GiB, memory).
     */
    private static final java.util.concurrent.ConcurrentHashMap<Integer, byte[][]> NULL_TABLES =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final int MAX_NULL_TABLES = 64;

    private static final VarHandle SHORT = MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle INT = MethodHandles.byteArrayViewVarHandle(int[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle LONG = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle FLOAT = MethodHandles.byteArrayViewVarHandle(float[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle DOUBLE = MethodHandles.byteArrayViewVarHandle(double[].class, ByteOrder.LITTLE_ENDIAN);

    private final int initialPages;
    /** The module's maximum under the runtime's cap: a grow above it is reported as the limit hit. */
    private final int limitPages;
    /** {@code limitPages}, and never above Chicory's {@code RUNTIME_MAX_PAGES} (as its ByteArrayMemory). */
    private final int maxPages;
    private final boolean shared;
    /** Read view: chunk {@code c} for {@code c < nPages * CHUNKS_PER_PAGE}, null beyond. Length is the table capacity. */
    private byte[][] pages;
    /** Write view: {@code pages[c]} when this memory may write chunk {@code c}, else null. Same length. */
    private byte[][] owned;
    /** Size in Wasm (64 KiB) pages. */
    private int nPages;
    private boolean limitHit;
    private DataSegment[] dataSegments;
    /** The frozen chunks this memory was forked from or captured into; empty when none. */
    private byte[][] base = NO_BASE;
    private boolean hasBase;
    private int[] baseDropped = new int[0];
    /** Indices of base chunks written since the fork or the last reset. */
    private int[] dirty = new int[16];
    private int dirtyCount;
    /** Set by a fork: the next {@code zero()}/{@code initialize()} from Chicory must keep the snapshot's contents. */
    private boolean keepContents;
    /**
     * True while {@code pages} is the snapshot's own (frozen) chunk table and {@code owned} a shared
     * all-null table: a fork that has not written yet. The first write or grow copies the table.
     */
    private boolean tableShared;

    /**
     * A fresh memory that owns all its chunks.
     *
     * @param declared the module's own limits
     * @param capPages the runtime's page limit for this instance
     * @throws MemoryLimitAtInstantiation when the module's initial size is already above the cap
     */
    public LimitedMemory(MemoryLimits declared, int capPages) {
        this(declared, capPages, declared.initialPages(), true);
        for (int c = 0; c < nPages * CHUNKS_PER_PAGE; c++) {
            byte[] p = new byte[CHUNK_SIZE];
            pages[c] = p;
            owned[c] = p;
        }
    }

    private LimitedMemory(MemoryLimits declared, int capPages, int startPages, boolean allocateTables) {
        if (startPages > capPages) {
            throw new MemoryLimitAtInstantiation(startPages, capPages);
        }
        this.initialPages = declared.initialPages();
        this.limitPages = Math.min(declared.maximumPages(), capPages);
        this.maxPages = Math.min(limitPages, RUNTIME_MAX_PAGES);
        this.shared = declared.shared();
        if (allocateTables) {
            int capacity = Math.min(maxPages, Math.max(startPages, 16)) * CHUNKS_PER_PAGE;
            this.pages = new byte[capacity][];
            this.owned = new byte[capacity][];
        }
        this.nPages = startPages;
    }

    /**
     * A memory that starts with a snapshot's contents, sharing every chunk until it is written. Costs
     * nothing that grows with the memory: it reads through the snapshot's own chunk table until the
     * first write, which copies the table (4-8 bytes per 4 KiB chunk) and then the written chunk.
     *
     * @param frozenChunks the snapshot's chunks ({@link InstanceState#CHUNK_SIZE} bytes each, a whole
     *     number of pages), never written by anyone
     * @throws MemoryLimitAtInstantiation when the snapshot is larger than the cap
     */
    public static LimitedMemory fork(byte[][] frozenChunks, int[] droppedSegments, MemoryLimits declared, int capPages) {
        LimitedMemory m = new LimitedMemory(declared, capPages, frozenChunks.length / CHUNKS_PER_PAGE, false);
        m.pages = frozenChunks;
        m.owned = nullTable(frozenChunks.length);
        m.tableShared = true;
        m.base = frozenChunks;
        m.hasBase = true;
        m.baseDropped = droppedSegments;
        m.keepContents = true;
        return m;
    }

    /**
     * Freezes the current contents into immutable chunks and makes this memory a fork of them: no
     * chunk is copied (all-zero chunks are swapped for the shared zero chunk), later writes here copy
     * on write. Costs one scan of the owned chunks for zeros.
     */
    public byte[][] capture() {
        if (tableShared) {
            // nothing written since the fork: the snapshot is this memory's state already
            baseDropped = droppedSegments();
            return base;
        }
        int n = nPages * CHUNKS_PER_PAGE;
        byte[][] image = new byte[n][];
        for (int c = 0; c < n; c++) {
            byte[] p = pages[c];
            if (p != ZERO_CHUNK && Arrays.mismatch(p, ZERO_CHUNK) < 0) {
                pages[c] = ZERO_CHUNK;
            }
            owned[c] = null;
            image[c] = pages[c];
        }
        base = image;
        hasBase = true;
        baseDropped = droppedSegments();
        dirtyCount = 0;
        return image;
    }

    /**
     * Restores the contents of the snapshot this memory was forked from or captured into: copies the
     * snapshot's bytes back into the chunks written since then and drops pages grown since. Returns
     * how many 4 KiB chunks it restored or dropped.
     *
     * @throws IllegalStateException when the memory has no snapshot
     */
    public int reset() {
        if (!hasBase) {
            throw new IllegalStateException("memory was not forked from a snapshot");
        }
        limitHit = false;
        if (tableShared) {
            return 0;
        }
        byte[][] b = base;
        int restored = dirtyCount;
        for (int k = 0; k < dirtyCount; k++) {
            int c = dirty[k];
            System.arraycopy(b[c], 0, pages[c], 0, CHUNK_SIZE);
            owned[c] = null;
        }
        dirtyCount = 0;
        int n = nPages * CHUNKS_PER_PAGE;
        for (int c = b.length; c < n; c++) {
            pages[c] = null;
            owned[c] = null;
            restored++;
        }
        nPages = b.length / CHUNKS_PER_PAGE;
        limitHit = false;
        return restored;
    }

    /** 4 KiB chunks written since the fork, capture or last reset (chunks grown since included); all for a fresh memory. */
    public int dirtyChunks() {
        int n = nPages * CHUNKS_PER_PAGE;
        return hasBase ? dirtyCount + n - base.length : n;
    }

    /** Data segments dropped so far ({@code data.drop}), for a snapshot. */
    public int[] droppedSegments() {
        if (dataSegments == null) {
            return new int[0];
        }
        return java.util.stream.IntStream.range(0, dataSegments.length)
                .filter(i -> dataSegments[i] == PassiveDataSegment.EMPTY)
                .toArray();
    }

    /** Thrown when a module's initial memory exceeds the limit before any code runs. */
    public static final class MemoryLimitAtInstantiation extends RuntimeException {
        public final int initialPages;
        public final int capPages;

        MemoryLimitAtInstantiation(int initialPages, int capPages) {
            super("module needs " + initialPages + " pages (" + ((long) initialPages << 16)
                    + " bytes) of memory at start, above the limit of " + capPages + " pages ("
                    + ((long) capPages << 16) + " bytes)");
            this.initialPages = initialPages;
            this.capPages = capPages;
        }
    }

    public boolean limitHit() {
        return limitHit;
    }

    // ---- the fault path -------------------------------------------------------------------

    /** Takes the chunk of {@code addr} private (copying the shared chunk) or reports an out-of-bounds access. */
    private byte[] own(int addr, int size) {
        if (tableShared) {
            unshareTables();
        }
        int c = addr >>> CHUNK_SHIFT;
        if (c >= nPages * CHUNKS_PER_PAGE) {
            throw outOfBounds(addr, size);
        }
        byte[] p = pages[c];
        if (c >= base.length || p == base[c]) {
            // first write since the fork: a private copy; after a reset the private copy is reused
            p = p.clone();
            pages[c] = p;
        }
        owned[c] = p;
        if (dirtyCount == dirty.length) {
            dirty = Arrays.copyOf(dirty, dirtyCount * 2);
        }
        dirty[dirtyCount++] = c;
        return p;
    }

    private static byte[][] nullTable(int length) {
        byte[][] t = NULL_TABLES.get(length);
        if (t == null) {
            t = new byte[length][];
            if (NULL_TABLES.size() < MAX_NULL_TABLES) {
                byte[][] raced = NULL_TABLES.putIfAbsent(length, t);
                t = raced != null ? raced : t;
            }
        }
        return t;
    }

    /** The first write (or grow) of a fork: private chunk tables, still pointing at the snapshot's chunks. */
    private void unshareTables() {
        pages = base.clone();
        owned = new byte[base.length][];
        tableShared = false;
    }

    private byte[] writable(int addr, int size) {
        byte[] p;
        try {
            p = owned[addr >>> CHUNK_SHIFT];
        } catch (ArrayIndexOutOfBoundsException e) {
            throw outOfBounds(addr, size);
        }
        return p != null ? p : own(addr, size);
    }

    private RuntimeException outOfBounds(int addr, int size) {
        return new WasmRuntimeException("out of bounds memory access: attempted to access address: "
                + Integer.toUnsignedString(addr) + " but limit is: " + sizeInBytes() + " and size: " + size);
    }

    private int sizeInBytes() {
        return nPages << 16;
    }

    private void checkRange(int addr, int size) {
        if (size < 0 || Integer.toUnsignedLong(addr) + size > (long) nPages << 16) {
            throw outOfBounds(addr, size);
        }
    }

    // ---- size -----------------------------------------------------------------------------

    @Override
    public int grow(int size) {
        int old = nPages;
        long target = (long) old + size;
        if (size < 0 || target > maxPages) {
            if (size > 0 && target > limitPages) {
                limitHit = true;
            }
            return -1;
        }
        int n = (int) target;
        if (tableShared && n != old) {
            unshareTables();
        }
        int chunks = n * CHUNKS_PER_PAGE;
        if (chunks > pages.length) {
            int capacity = (int) Math.min((long) maxPages * CHUNKS_PER_PAGE, Math.max(chunks, (long) pages.length * 2));
            pages = Arrays.copyOf(pages, capacity);
            owned = Arrays.copyOf(owned, capacity);
        }
        for (int c = old * CHUNKS_PER_PAGE; c < chunks; c++) {
            byte[] p = new byte[CHUNK_SIZE];
            pages[c] = p;
            owned[c] = p;
        }
        nPages = n;
        return old;
    }

    @Override
    public int pages() {
        return nPages;
    }

    @Override
    public int initialPages() {
        return initialPages;
    }

    @Override
    public int maximumPages() {
        return maxPages;
    }

    @Override
    public boolean shared() {
        return shared;
    }

    @Override
    public Object lock(int address) {
        return this;
    }

    @Override
    public int waitOn(int address, int expected, long timeout) {
        throw new ChicoryException("Attempt to wait on a non-shared memory, not supported.");
    }

    @Override
    public int waitOn(int address, long expected, long timeout) {
        throw new ChicoryException("Attempt to wait on a non-shared memory, not supported.");
    }

    @Override
    public int notify(int address, int maxThreads) {
        return 0;
    }

    // ---- instantiation --------------------------------------------------------------------

    @Override
    public void zero() {
        if (!keepContents) {
            fill((byte) 0, 0, sizeInBytes());
        }
    }

    @Override
    public void initialize(Instance instance, DataSegment[] segments) {
        initialize(instance, segments, 0);
    }

    @Override
    public void initialize(Instance instance, DataSegment[] segments, int memoryIndex) {
        this.dataSegments = segments;
        if (keepContents) {
            // a fork: the image already holds what the data segments wrote, and more
            keepContents = false;
            if (hasBase) {
                for (int d : baseDropped) {
                    if (segments != null && d < segments.length) {
                        segments[d] = PassiveDataSegment.EMPTY;
                    }
                }
            }
            return;
        }
        if (segments == null) {
            return;
        }
        for (DataSegment s : segments) {
            if (s instanceof ActiveDataSegment a) {
                if (a.index() != memoryIndex) {
                    continue;
                }
                int offset = (int) ConstantEvaluators.computeConstantValue(instance, a.offsetInstructions())[0];
                byte[] data = a.data();
                if (Integer.toUnsignedLong(offset) + data.length > sizeInBytes()) {
                    throw new UninstantiableException("out of bounds memory access: attempted to access address: "
                            + Integer.toUnsignedString(offset) + " but limit is: " + sizeInBytes() + " and size: " + data.length);
                }
                write(offset, data, 0, data.length);
            } else if (!(s instanceof PassiveDataSegment)) {
                throw new ChicoryException("Data segment should be active or passive: " + s);
            }
        }
    }

    @Override
    public void initPassiveSegment(int segmentId, int dest, int offset, int size) {
        write(dest, dataSegments[segmentId].data(), offset, size);
    }

    @Override
    public void drop(int segment) {
        dataSegments[segment] = PassiveDataSegment.EMPTY;
    }

    // ---- bulk access ----------------------------------------------------------------------

    @Override
    public void write(int addr, byte[] data, int offset, int size) {
        if (offset < 0 || size < 0 || offset > data.length - size) {
            throw outOfBounds(offset, size);
        }
        checkRange(addr, size);
        while (size > 0) {
            int off = addr & CHUNK_MASK;
            int n = Math.min(size, CHUNK_SIZE - off);
            System.arraycopy(data, offset, writable(addr, n), off, n);
            addr += n;
            offset += n;
            size -= n;
        }
    }

    @Override
    public byte[] readBytes(int addr, int len) {
        checkRange(addr, len);
        byte[] r = new byte[len];
        int done = 0;
        while (done < len) {
            int off = addr & CHUNK_MASK;
            int n = Math.min(len - done, CHUNK_SIZE - off);
            System.arraycopy(pages[addr >>> CHUNK_SHIFT], off, r, done, n);
            addr += n;
            done += n;
        }
        return r;
    }

    @Override
    public void fill(byte value, int fromIndex, int toIndex) {
        int size = toIndex - fromIndex;
        checkRange(fromIndex, size);
        int addr = fromIndex;
        while (size > 0) {
            int off = addr & CHUNK_MASK;
            int n = Math.min(size, CHUNK_SIZE - off);
            byte[] p = owned[addr >>> CHUNK_SHIFT];
            // filling a shared chunk with zeros where it already holds zeros must not copy it
            if (p != null || value != 0 || pages[addr >>> CHUNK_SHIFT] != ZERO_CHUNK) {
                Arrays.fill(writable(addr, n), off, off + n, value);
            }
            addr += n;
            size -= n;
        }
    }

    @Override
    public void copy(int dest, int src, int size) {
        checkRange(src, size);
        checkRange(dest, size);
        if (Integer.compareUnsigned(dest, src) <= 0) {
            while (size > 0) {
                int n = Math.min(size, Math.min(CHUNK_SIZE - (src & CHUNK_MASK), CHUNK_SIZE - (dest & CHUNK_MASK)));
                byte[] to = writable(dest, n);
                System.arraycopy(pages[src >>> CHUNK_SHIFT], src & CHUNK_MASK, to, dest & CHUNK_MASK, n);
                src += n;
                dest += n;
                size -= n;
            }
        } else {
            // dest above src: copy from the end so an overlapping source is read before it is overwritten
            int srcEnd = src + size;
            int destEnd = dest + size;
            while (size > 0) {
                int srcOff = ((srcEnd - 1) & CHUNK_MASK) + 1;
                int destOff = ((destEnd - 1) & CHUNK_MASK) + 1;
                int n = Math.min(size, Math.min(srcOff, destOff));
                byte[] to = writable(destEnd - n, n);
                System.arraycopy(pages[(srcEnd - n) >>> CHUNK_SHIFT], srcOff - n, to, destOff - n, n);
                srcEnd -= n;
                destEnd -= n;
                size -= n;
            }
        }
    }

    // ---- scalar access: reads as in ByteArrayMemory, writes through the owned table -------

    @Override
    public byte read(int addr) {
        try {
            return pages[addr >>> CHUNK_SHIFT][addr & CHUNK_MASK];
        } catch (RuntimeException e) {
            throw outOfBounds(addr, 1);
        }
    }

    @Override
    public void writeByte(int addr, byte data) {
        byte[] p = writable(addr, 1);
        p[addr & CHUNK_MASK] = data;
    }

    @Override
    public short readShort(int addr) {
        int off = addr & CHUNK_MASK;
        if (off <= CHUNK_SIZE - 2) {
            try {
                return (short) SHORT.get(pages[addr >>> CHUNK_SHIFT], off);
            } catch (RuntimeException e) {
                throw outOfBounds(addr, 2);
            }
        }
        checkRange(addr, 2);
        return (short) ((read(addr) & 0xFF) | (read(addr + 1) << 8));
    }

    @Override
    public long readU16(int addr) {
        return readShort(addr) & 0xFFFFL;
    }

    @Override
    public void writeShort(int addr, short data) {
        int off = addr & CHUNK_MASK;
        if (off <= CHUNK_SIZE - 2) {
            byte[] p = writable(addr, 2);
            SHORT.set(p, off, data);
            return;
        }
        checkRange(addr, 2);
        writeByte(addr, (byte) data);
        writeByte(addr + 1, (byte) (data >> 8));
    }

    @Override
    public int readInt(int addr) {
        int off = addr & CHUNK_MASK;
        if (off <= CHUNK_SIZE - 4) {
            try {
                return (int) INT.get(pages[addr >>> CHUNK_SHIFT], off);
            } catch (RuntimeException e) {
                throw outOfBounds(addr, 4);
            }
        }
        checkRange(addr, 4);
        int v = 0;
        for (int k = 3; k >= 0; k--) {
            v = (v << 8) | (read(addr + k) & 0xFF);
        }
        return v;
    }

    @Override
    public void writeI32(int addr, int data) {
        int off = addr & CHUNK_MASK;
        if (off <= CHUNK_SIZE - 4) {
            byte[] p = writable(addr, 4);
            INT.set(p, off, data);
            return;
        }
        checkRange(addr, 4);
        for (int k = 0; k < 4; k++) {
            writeByte(addr + k, (byte) (data >> (8 * k)));
        }
    }

    @Override
    public long readLong(int addr) {
        int off = addr & CHUNK_MASK;
        if (off <= CHUNK_SIZE - 8) {
            try {
                return (long) LONG.get(pages[addr >>> CHUNK_SHIFT], off);
            } catch (RuntimeException e) {
                throw outOfBounds(addr, 8);
            }
        }
        checkRange(addr, 8);
        long v = 0;
        for (int k = 7; k >= 0; k--) {
            v = (v << 8) | (read(addr + k) & 0xFFL);
        }
        return v;
    }

    @Override
    public void writeLong(int addr, long data) {
        int off = addr & CHUNK_MASK;
        if (off <= CHUNK_SIZE - 8) {
            byte[] p = writable(addr, 8);
            LONG.set(p, off, data);
            return;
        }
        checkRange(addr, 8);
        for (int k = 0; k < 8; k++) {
            writeByte(addr + k, (byte) (data >> (8 * k)));
        }
    }

    @Override
    public float readFloat(int addr) {
        int off = addr & CHUNK_MASK;
        if (off <= CHUNK_SIZE - 4) {
            try {
                return (float) FLOAT.get(pages[addr >>> CHUNK_SHIFT], off);
            } catch (RuntimeException e) {
                throw outOfBounds(addr, 4);
            }
        }
        return Float.intBitsToFloat(readInt(addr));
    }

    @Override
    public long readF32(int addr) {
        return readInt(addr);
    }

    @Override
    public void writeF32(int addr, float data) {
        int off = addr & CHUNK_MASK;
        if (off <= CHUNK_SIZE - 4) {
            byte[] p = writable(addr, 4);
            FLOAT.set(p, off, data);
            return;
        }
        writeI32(addr, Float.floatToRawIntBits(data));
    }

    @Override
    public double readDouble(int addr) {
        int off = addr & CHUNK_MASK;
        if (off <= CHUNK_SIZE - 8) {
            try {
                return (double) DOUBLE.get(pages[addr >>> CHUNK_SHIFT], off);
            } catch (RuntimeException e) {
                throw outOfBounds(addr, 8);
            }
        }
        return Double.longBitsToDouble(readLong(addr));
    }

    @Override
    public long readF64(int addr) {
        return readLong(addr);
    }

    @Override
    public void writeF64(int addr, double data) {
        int off = addr & CHUNK_MASK;
        if (off <= CHUNK_SIZE - 8) {
            byte[] p = writable(addr, 8);
            DOUBLE.set(p, off, data);
            return;
        }
        writeLong(addr, Double.doubleToRawLongBits(data));
    }
}
