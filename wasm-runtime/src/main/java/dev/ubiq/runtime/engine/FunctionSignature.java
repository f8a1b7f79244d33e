package dev.ubiq.runtime.engine;

import java.util.List;

/**
 * A function type: parameter and result types.
 *
 * <pre>{@code
 * var addSig = FunctionSignature.of(List.of(ValueType.I32, ValueType.I32), List.of(ValueType.I32));
 * }</pre>
 */
public record FunctionSignature(List<ValueType> params, List<ValueType> results) {
    public FunctionSignature {
        params = List.copyOf(params);
        results = List.copyOf(results);
    }

    public static FunctionSignature of(List<ValueType> params, List<ValueType> results) {
        return new FunctionSignature(params, results);
    }

    /** Longs the parameters take in the {@link ValueType} encoding. */
    public int paramSlots() {
        return params.stream().mapToInt(ValueType::slots).sum();
    }

    /** Longs the results take in the {@link ValueType} encoding. */
    public int resultSlots() {
        return results.stream().mapToInt(ValueType::slots).sum();
    }

    @Override
    public String toString() {
        return params + " -> " + results;
    }
}
