package dev.ubiq.runtime.engine;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Everything that defines a live instance apart from its code, captured by {@link
 * EngineInstance#captureState()}: linear memory (in 4 KiB chunks), the values of the globals the
 * module defines, the contents of the tables it defines, and which passive data segments were
 * dropped. Immutable and shared by every thread; {@link CompiledModule#fork} starts new instances
 * from it without copying the memory.
 *
 * <pre>{@code
 * EngineInstance first = module.instantiate(spec);
 * first.function("_initialize").call();            // pay for the init once
 * InstanceState state = first.captureState();      // freeze it
 * EngineInstance a = module.fork(state, spec);     // microseconds, memory shared until written
 * EngineInstance b = module.fork(state, spec);     // a and b never see each other's writes
 * }</pre>
 *
 * <p>What is not in it: the state of host imports (WASI file descriptors opened by the guest,
 * anything a host function keeps) and references to other instances' functions in tables (capture
 * refuses those).
 */
public final class InstanceState {
    /** Bytes in a Wasm page. */
    public static final int PAGE_SIZE = 65536;
    /** Memory is held in chunks of this many bytes: the unit of copy-on-write, reset and storage. */
    public static final int CHUNK_SIZE = 4096;
    /** Chunks per Wasm page. */
    public static final int CHUNKS_PER_PAGE = PAGE_SIZE / CHUNK_SIZE;
    /** The one all-zero chunk every state shares for chunks nobody wrote; never written. */
    private static final byte[] ZERO_CHUNK = new byte[CHUNK_SIZE];

    private final byte[][] chunks;
    private final int[] droppedDataSegments;
    private final List<ValueType> globalTypes;
    private final long[] globals;
    private final int[][] tables;

    private InstanceState(byte[][] chunks, int[] droppedDataSegments, List<ValueType> globalTypes, long[] globals,
            int[][] tables) {
        if (globals.length != 2 * globalTypes.size()) {
            throw new IllegalArgumentException("expected " + 2 * globalTypes.size() + " global words, got " + globals.length);
        }
        if (chunks != null && chunks.length % CHUNKS_PER_PAGE != 0) {
            throw new IllegalArgumentException(chunks.length + " chunks are not a whole number of pages");
        }
        this.chunks = chunks;
        this.droppedDataSegments = droppedDataSegments;
        this.globalTypes = List.copyOf(globalTypes);
        this.globals = globals;
        this.tables = tables;
    }

    /**
     * A state from its parts, e.g. read back from a snapshot file. Copies the globals and tables;
     * takes the chunk arrays as they are (each exactly {@link #CHUNK_SIZE} bytes, never written
     * afterwards by the caller); all-zero chunks are replaced by one shared zero chunk.
     *
     * @param chunks linear memory in {@link #CHUNK_SIZE}-byte chunks, a whole number of pages; or
     *     {@code null} for a module without memory
     * @param droppedDataSegments indices of dropped passive data segments
     * @param globalTypes types of the module-defined globals, in index order
     * @param globals two longs per global (low and high half; high is 0 except for V128)
     * @param tables per module-defined table, its elements: a function index, or -1 for null
     */
    public static InstanceState of(byte[][] chunks, int[] droppedDataSegments, List<ValueType> globalTypes,
            long[] globals, int[][] tables) {
        byte[][] c = null;
        if (chunks != null) {
            c = chunks.clone();
            for (int i = 0; i < c.length; i++) {
                if (c[i] == null || c[i].length != CHUNK_SIZE) {
                    throw new IllegalArgumentException("chunk " + i + " is not " + CHUNK_SIZE + " bytes");
                }
                if (c[i] != ZERO_CHUNK && Arrays.mismatch(c[i], ZERO_CHUNK) < 0) {
                    c[i] = ZERO_CHUNK;
                }
            }
        }
        int[][] t = new int[tables.length][];
        for (int i = 0; i < t.length; i++) {
            t[i] = tables[i].clone();
        }
        return new InstanceState(c, droppedDataSegments.clone(), globalTypes, globals.clone(), t);
    }

    /**
     * For engines: a state over chunk arrays that are already frozen, without scanning or copying
     * them. The caller guarantees nobody writes these arrays again.
     */
    public static InstanceState ofFrozenChunks(byte[][] frozenChunks, int[] droppedDataSegments,
            List<ValueType> globalTypes, long[] globals, int[][] tables) {
        return new InstanceState(frozenChunks, droppedDataSegments.clone(), globalTypes, globals.clone(), tables);
    }

    /** The shared all-zero chunk, for engines: a chunk that is this array holds only zeros. */
    public static byte[] unsafeZeroChunk() {
        return ZERO_CHUNK;
    }

    /**
     * For engines: the chunk arrays themselves, shared by every fork. Writing into them would change
     * every instance forked from this state; engines copy a chunk before the first write.
     */
    public byte[][] unsafeSharedChunks() {
        return chunks;
    }

    /** Whether the instance has a linear memory. */
    public boolean hasMemory() {
        return chunks != null;
    }

    /** Linear memory size in pages (0 without memory). */
    public int memoryPages() {
        return chunks == null ? 0 : chunks.length / CHUNKS_PER_PAGE;
    }

    /** Linear memory size in chunks (0 without memory). */
    public int chunkCount() {
        return chunks == null ? 0 : chunks.length;
    }

    /** Whether chunk {@code c} holds only zeros (such chunks take no space in a snapshot). */
    public boolean isZeroChunk(int c) {
        return chunks[c] == ZERO_CHUNK;
    }

    /** Whether page {@code i} holds only zeros. */
    public boolean isZeroPage(int i) {
        for (int c = i * CHUNKS_PER_PAGE; c < (i + 1) * CHUNKS_PER_PAGE; c++) {
            if (chunks[c] != ZERO_CHUNK) {
                return false;
            }
        }
        return true;
    }

    /** Chunks that hold something other than zeros. */
    public int nonZeroChunks() {
        int n = 0;
        for (int c = 0; c < chunkCount(); c++) {
            n += chunks[c] == ZERO_CHUNK ? 0 : 1;
        }
        return n;
    }

    /** Pages that hold something other than zeros. */
    public int nonZeroPages() {
        int n = 0;
        for (int i = 0; i < memoryPages(); i++) {
            n += isZeroPage(i) ? 0 : 1;
        }
        return n;
    }

    /** A read-only view of chunk {@code c}. */
    public ByteBuffer chunk(int c) {
        return ByteBuffer.wrap(chunks[c]).asReadOnlyBuffer();
    }

    /** A copy of page {@code i}, as a read-only buffer of {@link #PAGE_SIZE} bytes. */
    public ByteBuffer page(int i) {
        byte[] p = new byte[PAGE_SIZE];
        for (int k = 0; k < CHUNKS_PER_PAGE; k++) {
            System.arraycopy(chunks[i * CHUNKS_PER_PAGE + k], 0, p, k * CHUNK_SIZE, CHUNK_SIZE);
        }
        return ByteBuffer.wrap(p).asReadOnlyBuffer();
    }

    public int[] droppedDataSegments() {
        return droppedDataSegments.clone();
    }

    /** Types of the module-defined globals, in index order. */
    public List<ValueType> globalTypes() {
        return globalTypes;
    }

    /** Global {@code i}'s value: low half (the whole value except for V128). */
    public long globalLow(int i) {
        return globals[2 * i];
    }

    /** Global {@code i}'s high half (0 except for V128). */
    public long globalHigh(int i) {
        return globals[2 * i + 1];
    }

    /** Number of module-defined tables. */
    public int tableCount() {
        return tables.length;
    }

    /** The elements of module-defined table {@code t}: function indices, -1 for null. A copy. */
    public int[] table(int t) {
        return tables[t].clone();
    }

    /** For engines: the elements of table {@code t} without a copy; never written. */
    public int[] unsafeTable(int t) {
        return tables[t];
    }

    @Override
    public String toString() {
        return "InstanceState[" + memoryPages() + " pages (" + nonZeroChunks() + " non-zero 4 KiB chunks), " + globalTypes.size()
                + " globals, " + tables.length + " tables]";
    }
}
