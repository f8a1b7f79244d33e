package dev.ubiq.runtime.engine;

/**
 * A global the host provides. One cell per {@link Linker} definition: every importer shares it.
 *
 * <pre>{@code
 * var answer = HostGlobal.of(ValueType.I32, false, 42);
 * }</pre>
 *
 * @param type its value type
 * @param mutable whether guests may {@code global.set} it (importers must declare the same)
 * @param initialLow initial value in the {@link ValueType} encoding (low half for {@code V128})
 * @param initialHigh high half for {@code V128}, else 0
 */
public record HostGlobal(ValueType type, boolean mutable, long initialLow, long initialHigh) implements Extern {
    public HostGlobal {
        if (type == null) {
            throw new IllegalArgumentException("type is required");
        }
    }

    /** A global of a one-slot type. */
    public static HostGlobal of(ValueType type, boolean mutable, long initial) {
        return new HostGlobal(type, mutable, initial, 0);
    }

    @Override
    public String kind() {
        return "global";
    }
}
