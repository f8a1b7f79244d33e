package dev.ubiq.runtime.engine;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Everything that defines a live instance apart from its code, captured by {@link
 * EngineInstance#captureState()}: linear memory (64 KiB pages), the values of the globals the
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
    /** The one all-zero page every state shares for pages nobody wrote; never written. */
    private static final byte[] ZERO_PAGE = new byte[PAGE_SIZE];

    private final byte[][] pages;
    private final int[] droppedDataSegments;
    private final List<ValueType> globalTypes;
    private final long[] globals;
    private final int[][] tables;

    private InstanceState(byte[][] pages, int[] droppedDataSegments, List<ValueType> globalTypes, long[] globals,
            int[][] tables) {
        this.pages = pages;
        this.droppedDataSegments = droppedDataSegments;
        this.globalTypes = List.copyOf(globalTypes);
        this.globals = globals;
        this.tables = tables;
    }

    /**
     * A state from its parts, e.g. read back from a snapshot file. Copies the globals and tables;
     * takes the page arrays as they are (each exactly {@link #PAGE_SIZE} bytes, never written
     * afterwards by the caller); all-zero pages are replaced by one shared zero page.
     *
     * @param pages linear memory, or {@code null} for a module without memory
     * @param droppedDataSegments indices of dropped passive data segments
     * @param globalTypes types of the module-defined globals, in index order
     * @param globals two longs per global (low and high half; high is 0 except for V128)
     * @param tables per module-defined table, its elements: a function index, or -1 for null
     */
    public static InstanceState of(byte[][] pages, int[] droppedDataSegments, List<ValueType> globalTypes,
            long[] globals, int[][] tables) {
        if (globals.length != 2 * globalTypes.size()) {
            throw new IllegalArgumentException("expected " + 2 * globalTypes.size() + " global words, got " + globals.length);
        }
        byte[][] p = null;
        if (pages != null) {
            p = pages.clone();
            for (int i = 0; i < p.length; i++) {
                if (p[i] == null || p[i].length != PAGE_SIZE) {
                    throw new IllegalArgumentException("page " + i + " is not " + PAGE_SIZE + " bytes");
                }
                if (p[i] != ZERO_PAGE && Arrays.mismatch(p[i], ZERO_PAGE) < 0) {
                    p[i] = ZERO_PAGE;
                }
            }
        }
        int[][] t = new int[tables.length][];
        for (int i = 0; i < t.length; i++) {
            t[i] = tables[i].clone();
        }
        return new InstanceState(p, droppedDataSegments.clone(), globalTypes, globals.clone(), t);
    }

    /**
     * For engines: a state over page arrays that are already frozen, without scanning or copying
     * them. The caller guarantees nobody writes these arrays again.
     */
    public static InstanceState ofFrozenPages(byte[][] frozenPages, int[] droppedDataSegments,
            List<ValueType> globalTypes, long[] globals, int[][] tables) {
        return new InstanceState(frozenPages, droppedDataSegments.clone(), globalTypes, globals.clone(), tables);
    }

    /** The shared all-zero page, for engines: a page that is this array holds only zeros. */
    public static byte[] unsafeZeroPage() {
        return ZERO_PAGE;
    }

    /**
     * For engines: the page arrays themselves, shared by every fork. Writing into them would change
     * every instance forked from this state; engines copy a page before the first write.
     */
    public byte[][] unsafeSharedPages() {
        return pages;
    }

    /** Whether the instance has a linear memory. */
    public boolean hasMemory() {
        return pages != null;
    }

    /** Linear memory size in pages (0 without memory). */
    public int memoryPages() {
        return pages == null ? 0 : pages.length;
    }

    /** Whether page {@code i} holds only zeros (such pages take no space in a snapshot). */
    public boolean isZeroPage(int i) {
        return pages[i] == ZERO_PAGE;
    }

    /** Pages that hold something other than zeros. */
    public int nonZeroPages() {
        int n = 0;
        for (int i = 0; i < memoryPages(); i++) {
            n += pages[i] == ZERO_PAGE ? 0 : 1;
        }
        return n;
    }

    /** A read-only view of page {@code i}. */
    public ByteBuffer page(int i) {
        return ByteBuffer.wrap(pages[i]).asReadOnlyBuffer();
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
        return "InstanceState[" + memoryPages() + " pages (" + nonZeroPages() + " non-zero), " + globalTypes.size()
                + " globals, " + tables.length + " tables]";
    }
}
