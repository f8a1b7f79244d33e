package dev.ubiq.runtime.engine;

/**
 * A WebAssembly value type, engine-neutral.
 *
 * <p><b>Encoding in {@code long[]}</b> (arguments and results of {@link EngineInstance.EngineFunction#call},
 * {@link HostFunction.Implementation#apply}, {@link EngineInstance#global}): each value takes {@link
 * #slots()} longs, in order.
 * <ul>
 *   <li>{@code I32}: the int, sign-extended ({@code (int) v} reads it back);
 *   <li>{@code I64}: the long;
 *   <li>{@code F32}: {@link Float#floatToRawIntBits} in the low 32 bits (NaN payloads are kept);
 *   <li>{@code F64}: {@link Double#doubleToRawLongBits};
 *   <li>{@code V128}: two longs, the low 64 bits (lanes 0..) first, then the high 64 bits;
 *   <li>{@code FUNCREF}, {@code EXTERNREF}: an engine-defined handle, {@link #NULL_REF} for null.
 *       An externref is the host's own number, passed through unchanged.
 * </ul>
 */
public enum ValueType {
    I32, I64, F32, F64, V128, FUNCREF, EXTERNREF;

    /** The encoding of a null reference. */
    public static final long NULL_REF = -1L;

    /** How many longs one value takes: 2 for {@code V128}, else 1. */
    public int slots() {
        return this == V128 ? 2 : 1;
    }

    /** Whether this is a reference type. */
    public boolean isReference() {
        return this == FUNCREF || this == EXTERNREF;
    }
}
