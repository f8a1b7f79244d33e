package dev.ubiq.runtime.engine;

/**
 * A table the host provides, initially all null; shared by every importer through the same
 * {@link Linker}.
 *
 * <pre>{@code
 * var table = new HostTable(ValueType.FUNCREF, 10, 20);
 * }</pre>
 *
 * @param elementType {@code FUNCREF} or {@code EXTERNREF}
 * @param min initial size in elements
 * @param max maximum, or -1 for none (the engine's table cap applies)
 */
public record HostTable(ValueType elementType, long min, long max) implements Extern {
    public HostTable {
        if (elementType == null || !elementType.isReference()) {
            throw new IllegalArgumentException("a table holds references, not " + elementType);
        }
        if (min < 0 || max < -1 || (max >= 0 && max < min)) {
            throw new IllegalArgumentException("bad table limits: min " + min + " max " + max);
        }
    }

    @Override
    public String kind() {
        return "table";
    }
}
