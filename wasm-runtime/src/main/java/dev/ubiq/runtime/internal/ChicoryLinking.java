package dev.ubiq.runtime.internal;

import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.ImportFunction;
import com.dylibso.chicory.runtime.ImportGlobal;
import com.dylibso.chicory.runtime.ImportMemory;
import com.dylibso.chicory.runtime.ImportTable;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionType;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.MutabilityType;
import com.dylibso.chicory.wasm.types.Table;
import com.dylibso.chicory.wasm.types.TableLimits;
import com.dylibso.chicory.wasm.types.ValType;
import com.dylibso.chicory.wasm.types.Value;
import dev.ubiq.runtime.UbiqException.UnlinkableModuleException;
import dev.ubiq.runtime.engine.Extern;
import dev.ubiq.runtime.engine.FunctionSignature;
import dev.ubiq.runtime.engine.GuestTrapException;
import dev.ubiq.runtime.engine.HostGlobal;
import dev.ubiq.runtime.engine.HostMemory;
import dev.ubiq.runtime.engine.HostTable;
import dev.ubiq.runtime.engine.Linker;
import dev.ubiq.runtime.engine.ValueType;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Turns a {@link Linker}'s externs into Chicory {@link ImportValues} for one module. Type checks
 * (function signatures, global mutability, memory and table limits) are Chicory's, at build time.
 */
final class ChicoryLinking {
    private ChicoryLinking() {}

    static boolean isWasi(String module) {
        return module.startsWith("wasi_snapshot_preview1") || module.equals("wasi_unstable");
    }

    /**
     * @param preopens the WASI context's host directories, in the order given to WASI (the
     *     sandbox checks paths against them); ignored without WASI
     */
    static ImportValues imports(WasmModule module, Linker linker, WasiPreview1 wasi, java.util.List<java.nio.file.Path> preopens,
            Object hostData) {
        var builder = ImportValues.builder();
        if (wasi != null) {
            builder.addFunction(WasiSandbox.wrap(wasi.toHostFunctions(), preopens));
        }
        var section = module.importSection();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < section.importCount(); i++) {
            var imp = section.getImport(i);
            if (wasi != null && isWasi(imp.module())) {
                continue;
            }
            // Chicory picks, among the values of one name, the one whose type matches: one is enough.
            if (!seen.add(imp.importType() + " " + imp.module() + "\u0000" + imp.name())) {
                continue;
            }
            Extern extern = linker.resolve(imp.module(), imp.name());
            if (extern == null) {
                continue; // Chicory reports it as an unknown import
            }
            String wanted = imp.importType().name().toLowerCase(Locale.ROOT);
            if (!extern.kind().equals(wanted)) {
                throw new UnlinkableModuleException("incompatible import type: " + imp.module() + "." + imp.name()
                        + " is imported as a " + wanted + " but the linker has a " + extern.kind(), null);
            }
            String m = imp.module();
            String n = imp.name();
            switch (extern) {
                case dev.ubiq.runtime.engine.HostFunction f -> builder.addFunction(hostFunction(m, n, f, hostData));
                case HostGlobal g -> builder.addGlobal(new ImportGlobal(m, n,
                        (GlobalInstance) linker.materialize(g, () -> new GlobalInstance(g.initialLow(), g.initialHigh(),
                                valType(g.type()), g.mutable() ? MutabilityType.Var : MutabilityType.Const))));
                case HostMemory mem -> builder.addMemory(new ImportMemory(m, n,
                        (Memory) linker.materialize(mem, () -> new LimitedMemory(new MemoryLimits(mem.minPages(),
                                mem.maxPages() < 0 ? MemoryLimits.MAX_PAGES : mem.maxPages()), MemoryLimits.MAX_PAGES))));
                case HostTable t -> builder.addTable(new ImportTable(m, n,
                        (TableInstance) linker.materialize(t, () -> ChicoryCompiledModule.limitedTable(
                                new Table(valType(t.elementType()), new TableLimits(t.min(),
                                        t.max() < 0 ? TableLimits.LIMIT_MAX : t.max())), Value.REF_NULL_VALUE))));
                case Extern.InstanceExport e -> addExport(builder, m, n, e);
            }
        }
        return builder.build();
    }

    private static void addExport(ImportValues.Builder builder, String m, String n, Extern.InstanceExport e) {
        if (!(e.owner() instanceof ChicoryCompiledModule.ChicoryInstance owner)) {
            throw new UnlinkableModuleException(m + "." + n + " comes from an instance of another engine ("
                    + e.owner().getClass().getName() + "); only Chicory instances link here", null);
        }
        Instance src = owner.chicory();
        switch (e.kind()) {
            case "function" -> builder.addFunction(ImportFunction.exportAsImport(m, n, src, e.name()));
            case "global" -> builder.addGlobal(new ImportGlobal(m, n, src.exports().global(e.name())));
            case "memory" -> builder.addMemory(new ImportMemory(m, n, src.exports().memory(e.name())));
            case "table" -> builder.addTable(new ImportTable(m, n, src.exports().table(e.name())));
            default -> throw new UnlinkableModuleException(m + "." + n + ": cannot import a " + e.kind(), null);
        }
    }

    private static HostFunction hostFunction(String module, String name, dev.ubiq.runtime.engine.HostFunction f,
            Object hostData) {
        var caller = new CallerView(hostData);
        var impl = f.implementation();
        return new HostFunction(module, name, functionType(f.signature()), (instance, args) -> {
            caller.instance = instance;
            return impl.apply(caller, args);
        });
    }

    /** The calling instance's memory, as a host function sees it; one per linked import. */
    private static final class CallerView implements dev.ubiq.runtime.engine.HostFunction.Caller {
        private final Object hostData;
        Instance instance;

        CallerView(Object hostData) {
            this.hostData = hostData;
        }

        @Override
        public Object hostData() {
            return hostData;
        }

        @Override
        public void write(int ptr, byte[] src, int off, int len) {
            Memory m = memory();
            check(m, ptr, len);
            m.write(ptr, src, off, len);
        }

        @Override
        public long memoryBytes() {
            Memory m = instance == null ? null : instance.memory();
            return m == null ? 0 : m.pages() * 65536L;
        }

        private Memory memory() {
            Memory m = instance == null ? null : instance.memory();
            if (m == null) {
                throw new GuestTrapException("the calling module has no memory", null);
            }
            return m;
        }

        @Override
        public byte[] read(int ptr, int len) {
            Memory m = memory();
            check(m, ptr, len);
            return m.readBytes(ptr, len);
        }

        @Override
        public void write(int ptr, byte[] data) {
            Memory m = memory();
            check(m, ptr, data.length);
            m.write(ptr, data, 0, data.length);
        }

        private static void check(Memory m, int ptr, int len) {
            long size = m.pages() * 65536L;
            if (ptr < 0 || len < 0 || (long) ptr + len > size) {
                throw new GuestTrapException("out of bounds memory access: [" + Integer.toUnsignedString(ptr)
                        + ", +" + Integer.toUnsignedString(len) + ") in " + size + " bytes", null);
            }
        }
    }

    static FunctionType functionType(FunctionSignature s) {
        return FunctionType.of(s.params().stream().map(ChicoryLinking::valType).toList(),
                s.results().stream().map(ChicoryLinking::valType).toList());
    }

    static FunctionSignature signature(FunctionType t) {
        return new FunctionSignature(t.params().stream().map(ChicoryLinking::valueType).toList(),
                t.returns().stream().map(ChicoryLinking::valueType).toList());
    }

    static ValType valType(ValueType t) {
        return switch (t) {
            case I32 -> ValType.I32;
            case I64 -> ValType.I64;
            case F32 -> ValType.F32;
            case F64 -> ValType.F64;
            case V128 -> ValType.V128;
            case FUNCREF -> ValType.FuncRef;
            case EXTERNREF -> ValType.ExternRef;
        };
    }

    static ValueType valueType(ValType t) {
        if (t.equals(ValType.I32)) {
            return ValueType.I32;
        } else if (t.equals(ValType.I64)) {
            return ValueType.I64;
        } else if (t.equals(ValType.F32)) {
            return ValueType.F32;
        } else if (t.equals(ValType.F64)) {
            return ValueType.F64;
        } else if (t.equals(ValType.V128)) {
            return ValueType.V128;
        } else if (t.equals(ValType.FuncRef)) {
            return ValueType.FUNCREF;
        } else if (t.equals(ValType.ExternRef)) {
            return ValueType.EXTERNREF;
        }
        throw new IllegalArgumentException("no engine-neutral type for " + t);
    }

    /** Puts {@code v} in the {@link ValueType} encoding in place: I32 sign-extended, F32 zero-extended. */
    static void normalize(List<ValueType> types, long[] v) {
        int slot = 0;
        for (int i = 0; i < types.size() && slot < v.length; i++) {
            ValueType t = types.get(i);
            if (t == ValueType.I32) {
                v[slot] = (int) v[slot];
            } else if (t == ValueType.F32) {
                v[slot] = v[slot] & 0xFFFF_FFFFL;
            }
            slot += t.slots();
        }
    }

}
