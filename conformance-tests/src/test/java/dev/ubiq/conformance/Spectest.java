package dev.ubiq.conformance;

import dev.ubiq.runtime.engine.FunctionSignature;
import dev.ubiq.runtime.engine.HostFunction;
import dev.ubiq.runtime.engine.HostGlobal;
import dev.ubiq.runtime.engine.HostMemory;
import dev.ubiq.runtime.engine.HostTable;
import dev.ubiq.runtime.engine.Linker;
import dev.ubiq.runtime.engine.ValueType;
import java.util.List;

/**
 * The {@code spectest} host module as the spec's harness defines it (the reference interpreter's
 * {@code spectest.ml}): no-op print functions, globals of value 666 / 666.6, a table of 10 funcref
 * (max 20) and a memory of 1 page (max 2).
 */
final class Spectest {
    private Spectest() {}

    /** A fresh linker with {@code spectest} defined: its memory, table and globals are new objects. */
    static Linker linker() {
        var b = Linker.builder();
        print(b, "print");
        print(b, "print_i32", ValueType.I32);
        print(b, "print_i64", ValueType.I64);
        print(b, "print_f32", ValueType.F32);
        print(b, "print_f64", ValueType.F64);
        print(b, "print_i32_f32", ValueType.I32, ValueType.F32);
        print(b, "print_f64_f64", ValueType.F64, ValueType.F64);
        b.define("spectest", "global_i32", HostGlobal.of(ValueType.I32, false, 666));
        b.define("spectest", "global_i64", HostGlobal.of(ValueType.I64, false, 666));
        b.define("spectest", "global_f32", HostGlobal.of(ValueType.F32, false, Float.floatToRawIntBits(666.6f)));
        b.define("spectest", "global_f64", HostGlobal.of(ValueType.F64, false, Double.doubleToRawLongBits(666.6)));
        b.define("spectest", "table", new HostTable(ValueType.FUNCREF, 10, 20));
        b.define("spectest", "memory", new HostMemory(1, 2));
        return b.build();
    }

    private static void print(Linker.Builder b, String name, ValueType... params) {
        b.define("spectest", name, new HostFunction(FunctionSignature.of(List.of(params), List.of()),
                (caller, args) -> HostFunction.NO_RESULTS));
    }
}
