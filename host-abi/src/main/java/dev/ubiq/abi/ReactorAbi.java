package dev.ubiq.abi;

/**
 * Export names and calling convention of the reactor shape (ABI {@link #VERSION}).
 *
 * <pre>
 *  host                                   guest
 *  ptr = ubiq_alloc(len)          ──►  returns a buffer of len bytes it owns from now on
 *  write request into [ptr, len)
 *  r = ubiq_handle(ptr, len)      ──►  handles the request; returns (respPtr &lt;&lt; 32) | respLen
 *  read response [respPtr, respLen)    the response stays valid until the next call into the instance
 * </pre>
 *
 * <p>An optional {@link #INIT} export runs once per instance before the first call (after WASI's
 * {@code _initialize} when the module has one). A zero-length request skips {@code ubiq_alloc} and
 * passes {@code ptr = 0}.
 */
public final class ReactorAbi {
    /** The ABI version these names belong to. */
    public static final int VERSION = 1;
    /** Exported linear memory the host reads and writes. */
    public static final String MEMORY = "memory";
    /** {@code ubiq_alloc(i32 len) -> i32 ptr}: a buffer for the request; 0 means out of memory. */
    public static final String ALLOC = "ubiq_alloc";
    /** {@code ubiq_handle(i32 ptr, i32 len) -> i64}: packed response location. */
    public static final String HANDLE = "ubiq_handle";
    /** Optional {@code ubiq_init()}: runs once per instance. */
    public static final String INIT = "ubiq_init";
    /** WASI reactor initialiser ({@code -mexec-model=reactor}); called before {@link #INIT}. */
    public static final String WASI_INITIALIZE = "_initialize";

    private ReactorAbi() {}

    /** The response pointer from a packed {@code ubiq_handle} result. */
    public static int responsePtr(long packed) {
        return (int) (packed >>> 32);
    }

    /** The response length from a packed {@code ubiq_handle} result. */
    public static int responseLen(long packed) {
        return (int) packed;
    }

    /** Packs a response location the way a guest returns it. */
    public static long pack(int ptr, int len) {
        return ((long) ptr << 32) | (len & 0xFFFF_FFFFL);
    }
}
