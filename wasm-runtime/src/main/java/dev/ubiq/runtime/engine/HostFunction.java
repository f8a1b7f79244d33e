package dev.ubiq.runtime.engine;

/**
 * A function the host provides to a guest.
 *
 * <pre>{@code
 * var log = new HostFunction(FunctionSignature.of(List.of(ValueType.I32, ValueType.I32), List.of()),
 *         (caller, args) -> {
 *             System.out.println(new String(caller.read((int) args[0], (int) args[1]), UTF_8));
 *             return HostFunction.NO_RESULTS;
 *         });
 * }</pre>
 *
 * @param signature the type the importing module must declare (checked at link time)
 * @param implementation runs on the guest's thread, for the duration of the call
 */
public record HostFunction(FunctionSignature signature, Implementation implementation) implements Extern {
    /** The result of a function returning nothing; shared, never written. */
    public static final long[] NO_RESULTS = new long[0];

    public HostFunction {
        if (signature == null || implementation == null) {
            throw new IllegalArgumentException("signature and implementation are required");
        }
    }

    @Override
    public String kind() {
        return "function";
    }

    /** The host code. Arguments and results use the {@link ValueType} encoding. */
    @FunctionalInterface
    public interface Implementation {
        /**
         * @param caller the calling instance's memory; valid only during this call
         * @param args the arguments; owned by the engine, do not keep
         * @return the results, {@link #NO_RESULTS} when there are none. A {@link
         *     dev.ubiq.runtime.UbiqException} thrown here becomes a trap in the guest.
         */
        long[] apply(Caller caller, long[] args);
    }

    /** The instance calling a host function: its linear memory and the host data it was created with. */
    public interface Caller {
        /** The {@link InstanceSpec#hostData()} of the calling instance, or {@code null}. */
        Object hostData();

        /** Copies {@code len} bytes of {@code src} into the caller's memory; a bad range throws {@link GuestTrapException}. */
        void write(int ptr, byte[] src, int off, int len);

        /** The caller's memory size in bytes (0 without memory). */
        long memoryBytes();

        /** Copies bytes out of the caller's memory (index 0); a bad range throws {@link GuestTrapException}. */
        byte[] read(int ptr, int len);

        /** Copies bytes into the caller's memory (index 0); a bad range throws {@link GuestTrapException}. */
        void write(int ptr, byte[] data);
    }
}
