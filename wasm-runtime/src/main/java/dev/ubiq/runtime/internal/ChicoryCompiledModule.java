package dev.ubiq.runtime.internal;

import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExportFunction;
import com.dylibso.chicory.runtime.GlobalInstance;
import com.dylibso.chicory.runtime.ImportValues;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.runtime.TableInstance;
import com.dylibso.chicory.wasm.types.Table;
import com.dylibso.chicory.wasm.types.TableLimits;
import com.dylibso.chicory.wasi.WasiExitException;
import com.dylibso.chicory.wasi.WasiOptions;
import com.dylibso.chicory.wasi.WasiPreview1;
import com.dylibso.chicory.wasm.ChicoryException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.UnlinkableException;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.Export;
import com.dylibso.chicory.wasm.types.ExternalType;
import dev.ubiq.runtime.UbiqException;
import dev.ubiq.runtime.UbiqException.InstantiationException;
import dev.ubiq.runtime.UbiqException.UnlinkableModuleException;
import dev.ubiq.runtime.engine.CompiledModule;
import dev.ubiq.runtime.engine.EngineInstance;
import dev.ubiq.runtime.engine.ExecutionMode;
import dev.ubiq.runtime.engine.Extern;
import dev.ubiq.runtime.engine.FunctionSignature;
import dev.ubiq.runtime.engine.GuestExitException;
import dev.ubiq.runtime.engine.GuestInterruptedException;
import dev.ubiq.runtime.engine.GuestTrapException;
import dev.ubiq.runtime.engine.InstanceSpec;
import dev.ubiq.runtime.engine.InstanceState;
import dev.ubiq.runtime.engine.Linker;
import dev.ubiq.runtime.engine.ModuleInfo;
import dev.ubiq.runtime.engine.ValueType;
import dev.ubiq.runtime.engine.WasiConfig;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/** A parsed module plus its machine factory (compiled classes or the interpreter). */
final class ChicoryCompiledModule implements CompiledModule {
    private final WasmModule module;
    private final ModuleInfo info;
    private final Function<Instance, Machine> machineFactory;
    private final ExecutionMode mode;
    private final Set<Integer> interpreted;
    private final boolean fromCache;
    private final String who;

    ChicoryCompiledModule(String functionName, WasmModule module, ModuleInfo info, Function<Instance, Machine> machineFactory,
            ExecutionMode mode, Set<Integer> interpreted, boolean fromCache) {
        this.module = module;
        this.info = info;
        this.machineFactory = machineFactory;
        this.mode = mode;
        this.interpreted = interpreted;
        this.fromCache = fromCache;
        this.who = "function '" + functionName + "': ";
    }

    @Override
    public ModuleInfo info() {
        return info;
    }

    @Override
    public ExecutionMode mode() {
        return mode;
    }

    @Override
    public Set<Integer> interpretedFunctions() {
        return interpreted;
    }

    @Override
    public boolean loadedFromCache() {
        return fromCache;
    }

    @Override
    public EngineInstance instantiate(InstanceSpec spec) {
        return build(spec, null);
    }

    @Override
    public EngineInstance fork(InstanceState state, InstanceSpec spec) {
        checkFits(state);
        ChicoryInstance inst = build(spec, state);
        try {
            inst.restore(state);
        } catch (RuntimeException e) {
            inst.close();
            throw new InstantiationException(who + "cannot fork from the snapshot: " + e.getMessage(), e);
        }
        return inst;
    }

    /** Refuses a state captured from another module (or another build of it): its shape must match. */
    private void checkFits(InstanceState state) {
        boolean hasMemory = module.memorySection().map(m -> m.memoryCount() > 0).orElse(false);
        if (state.hasMemory() != hasMemory) {
            throw new InstantiationException(who + "snapshot does not fit the module: it has "
                    + (state.hasMemory() ? "a" : "no") + " memory, the module " + (hasMemory ? "defines one" : "defines none"), null);
        }
        var globals = module.globalSection().globals();
        List<ValueType> types = state.globalTypes();
        boolean globalsFit = globals.length == types.size();
        for (int i = 0; globalsFit && i < globals.length; i++) {
            globalsFit = ChicoryLinking.valueType(globals[i].valueType()) == types.get(i);
        }
        if (!globalsFit) {
            throw new InstantiationException(who + "snapshot does not fit the module: its globals " + types
                    + " differ from the module's " + globals.length + " globals", null);
        }
        if (state.tableCount() != module.tableSection().tableCount()) {
            throw new InstantiationException(who + "snapshot does not fit the module: " + state.tableCount()
                    + " tables, the module defines " + module.tableSection().tableCount(), null);
        }
        if (state.hasMemory()) {
            int initial = module.memorySection().get().getMemory(0).limits().initialPages();
            if (state.memoryPages() < initial) {
                throw new InstantiationException(who + "snapshot does not fit the module: " + state.memoryPages()
                        + " memory pages, below the module's initial " + initial, null);
            }
        }
    }

    private ChicoryInstance build(InstanceSpec spec, InstanceState state) {
        int capPages = (int) Math.min(65536, spec.maxMemoryBytes() >>> 16);
        LimitedMemory[] memory = new LimitedMemory[1];
        WasiPreview1 wasi = spec.wasi() == null ? null : wasi(spec.wasi());
        try {
            ImportValues imports = ChicoryLinking.imports(module, spec.linker(), wasi,
                    spec.wasi() == null ? java.util.List.of() : java.util.List.copyOf(spec.wasi().preopens().values()),
                    spec.hostData());
            Instance instance = Instance.builder(module)
                    .withMachineFactory(machineFactory)
                    .withImportValues(imports)
                    .withMemoryFactory(limits -> {
                        LimitedMemory m = memory[0] == null && state != null
                                ? LimitedMemory.fork(state.unsafeSharedChunks(), state.droppedDataSegments(), limits, capPages)
                                : new LimitedMemory(limits, capPages);
                        if (memory[0] == null) {
                            memory[0] = m;
                        }
                        return m;
                    })
                    .withTableFactory(ChicoryCompiledModule::limitedTable)
                    .withUnsafeExecutionListener(ChicoryEngine.INTERRUPT_ON_BRANCH)
                    .withStart(false)
                    .build();
            // An imported memory (another instance's or the host's) is a LimitedMemory too.
            LimitedMemory mem = memory[0];
            boolean importedMemory = imports.memoryCount() > 0;
            if (importedMemory && instance.memory() instanceof LimitedMemory imported) {
                mem = imported;
            }
            return new ChicoryInstance(instance, mem, wasi, importedMemory);
        } catch (LimitedMemory.MemoryLimitAtInstantiation e) {
            close(wasi);
            throw new UbiqException.LimitExceededException(who + e.getMessage());
        } catch (UbiqException.LimitExceededException e) {
            close(wasi);
            throw new UbiqException.LimitExceededException(who + e.getMessage());
        } catch (UnlinkableModuleException e) {
            close(wasi);
            throw new UnlinkableModuleException(who + e.getMessage(), e.getCause());
        } catch (UnlinkableException e) {
            close(wasi);
            throw new UnlinkableModuleException(who + "unlinkable module: " + e.getMessage()
                    + (wasi == null && info.importsWasi() ? "" : describeImports(spec.linker())), e);
        } catch (UninstantiableException e) {
            close(wasi);
            throw new InstantiationException(who + "module failed to instantiate: " + e.getMessage(), e);
        } catch (ChicoryInterruptedException e) {
            close(wasi);
            throw new GuestInterruptedException(e);
        } catch (ChicoryException | StackOverflowError e) {
            close(wasi);
            throw new InstantiationException(who + "module failed to instantiate: " + e.getMessage(), e);
        } catch (UbiqException e) {
            // a host function called by the start function failed
            close(wasi);
            throw new InstantiationException(who + "module failed to instantiate: " + e.getMessage(), e);
        }
    }

    /**
     * Most elements one table may hold. A hostile {@code table.grow} of 10^8 elements would take
     * over a gigabyte of heap (two arrays per table); legitimate programs use thousands.
     */
    static final int MAX_TABLE_ELEMENTS = 1_000_000;

    /**
     * Each instance gets its own copy of the table's limits: Chicory 1.7.5 records a
     * {@code table.grow} in the module's shared {@code TableLimits}, which made later instances of
     * the same module start with the grown size.
     */
    static TableInstance limitedTable(Table table, int initValue) {
        TableLimits declared = table.limits();
        long max = Math.min(declared.max(), MAX_TABLE_ELEMENTS);
        if (declared.min() > max) {
            throw new UbiqException.LimitExceededException("module declares a table of " + declared.min()
                    + " elements, above the limit of " + MAX_TABLE_ELEMENTS);
        }
        return new TableInstance(new Table(table.elementType(),
                new TableLimits(declared.min(), max, declared.shared()), table.initialize()), initValue);
    }

    /** Names the imports neither WASI nor the linker provides. */
    private String describeImports(Linker linker) {
        var foreign = info.imports().stream()
                .filter(i -> !i.module().startsWith("wasi_snapshot_preview1"))
                .filter(i -> linker.resolve(i.module(), i.name()) == null)
                .map(i -> i.module() + "." + i.name())
                .toList();
        boolean abi = linker.resolve(dev.ubiq.abi.HostAbi.MODULE, dev.ubiq.abi.HostAbi.Hostcall.LOG.importName()) != null;
        return foreign.isEmpty() ? "" : " (the host provides WASI preview1" + (abi ? " and " + dev.ubiq.abi.HostAbi.MODULE : "")
                + "; unknown imports: " + foreign + ")";
    }

    private static void close(WasiPreview1 wasi) {
        if (wasi != null) {
            wasi.close();
        }
    }

    private static WasiPreview1 wasi(WasiConfig c) {
        WasiOptions.Builder o = WasiOptions.builder()
                .withStdin(c.stdin())
                .withStdout(c.stdout())
                .withStderr(c.stderr())
                .withArguments(c.args());
        c.env().forEach(o::withEnvironment);
        c.preopens().forEach(o::withDirectory);
        return WasiPreview1.builder().withOptions(o.build()).build();
    }

    /** One Chicory instance. */
    static final class ChicoryInstance implements EngineInstance {
        private final Instance instance;
        private final LimitedMemory memory;
        private final WasiPreview1 wasi;
        private final boolean importedMemory;
        /** The state this instance was forked from or last captured, which {@link #reset} returns to. */
        private InstanceState origin;

        ChicoryInstance(Instance instance, LimitedMemory memory, WasiPreview1 wasi, boolean importedMemory) {
            this.instance = instance;
            this.memory = memory;
            this.wasi = wasi;
            this.importedMemory = importedMemory;
        }

        private int importedGlobals = -1;
        private int importedTables;
        /** Indices (among module-defined globals) of the mutable ones: all a reset must restore. */
        private int[] mutableGlobals;

        private int importedGlobals() {
            if (importedGlobals < 0) {
                var imports = instance.module().importSection();
                importedTables = imports.count(ExternalType.TABLE);
                var defs = instance.module().globalSection().globals();
                mutableGlobals = java.util.stream.IntStream.range(0, defs.length)
                        .filter(i -> defs[i].mutabilityType() == com.dylibso.chicory.wasm.types.MutabilityType.Var)
                        .toArray();
                importedGlobals = imports.count(ExternalType.GLOBAL);
            }
            return importedGlobals;
        }

        private int importedTables() {
            importedGlobals();
            return importedTables;
        }

        @Override
        public InstanceState captureState() {
            WasmModule m = instance.module();
            String who = "cannot snapshot the instance: ";
            if (importedMemory) {
                throw new InstantiationException(who + "its memory is imported, and a snapshot holds only what the instance owns", null);
            }
            if (m.memorySection().map(s -> s.memoryCount() > 1).orElse(false)) {
                throw new InstantiationException(who + "it defines several memories (multi-memory is not supported by snapshots)", null);
            }
            int ig = importedGlobals();
            var defs = m.globalSection().globals();
            List<ValueType> types = new java.util.ArrayList<>(defs.length);
            long[] values = new long[2 * defs.length];
            for (int i = 0; i < defs.length; i++) {
                GlobalInstance g = instance.global(ig + i);
                ValueType t = ChicoryLinking.valueType(defs[i].valueType());
                types.add(t);
                if (t == ValueType.FUNCREF && g.getInstance() != null && g.getInstance() != instance
                        && g.getValue() != com.dylibso.chicory.wasm.types.Value.REF_NULL_VALUE) {
                    throw new InstantiationException(who + "global " + (ig + i)
                            + " refers to another instance's function", null);
                }
                values[2 * i] = g.getValueLow();
                values[2 * i + 1] = t == ValueType.V128 ? g.getValueHigh() : 0;
            }
            int it = importedTables();
            int[][] tables = new int[m.tableSection().tableCount()][];
            for (int k = 0; k < tables.length; k++) {
                TableInstance t = instance.table(it + k);
                int[] refs = new int[t.size()];
                for (int j = 0; j < refs.length; j++) {
                    refs[j] = t.ref(j);
                    Instance owner = t.instance(j);
                    if (owner != null && owner != instance && refs[j] != com.dylibso.chicory.wasm.types.Value.REF_NULL_VALUE) {
                        throw new InstantiationException(who + "table " + (it + k) + " element " + j
                                + " refers to another instance's function", null);
                    }
                }
                tables[k] = refs;
            }
            byte[][] pages = memory == null ? null : memory.capture();
            int[] dropped = memory == null ? new int[0] : memory.droppedSegments();
            InstanceState s = InstanceState.ofFrozenChunks(pages, dropped, types, values, tables);
            origin = s;
            return s;
        }

        /** Overwrites globals and tables (which Chicory rebuilt from the module) with the state's. */
        void restore(InstanceState state) {
            int ig = importedGlobals();
            for (int i : mutableGlobals) {
                GlobalInstance g = instance.global(ig + i);
                g.setValueLow(state.globalLow(i));
                if (state.globalTypes().get(i) == ValueType.V128) {
                    g.setValueHigh(state.globalHigh(i));
                }
            }
            int it = importedTables();
            for (int k = 0; k < state.tableCount(); k++) {
                TableInstance t = instance.table(it + k);
                int[] refs = state.unsafeTable(k);
                if (t.size() > refs.length) {
                    throw new IllegalStateException("table " + (it + k) + " has " + t.size()
                            + " elements, more than the snapshot's " + refs.length);
                }
                if (t.size() < refs.length
                        && t.grow(refs.length - t.size(), com.dylibso.chicory.wasm.types.Value.REF_NULL_VALUE, instance) < 0) {
                    throw new IllegalStateException("table " + (it + k) + " cannot grow to the snapshot's "
                            + refs.length + " elements");
                }
                for (int j = 0; j < refs.length; j++) {
                    if (t.ref(j) != refs[j]) {
                        t.setRef(j, refs[j], refs[j] == com.dylibso.chicory.wasm.types.Value.REF_NULL_VALUE ? null : instance);
                    }
                }
            }
            origin = state;
        }

        @Override
        public int reset() {
            if (origin == null || memory == null && origin.hasMemory()) {
                return -1;
            }
            int it = importedTables();
            for (int k = 0; k < origin.tableCount(); k++) {
                if (instance.table(it + k).size() != origin.unsafeTable(k).length) {
                    return -1;
                }
            }
            int restored = memory == null ? 0 : memory.reset();
            restore(origin);
            return restored;
        }

        @Override
        public int dirtyChunks() {
            return memory == null ? 0 : memory.dirtyChunks();
        }

        /** The Chicory instance, for linking its exports into another module. */
        Instance chicory() {
            return instance;
        }

        private Export exported(String name, ExternalType type) {
            var es = instance.module().exportSection();
            for (int i = 0; i < es.exportCount(); i++) {
                Export e = es.getExport(i);
                if (e.name().equals(name) && (type == null || e.exportType() == type)) {
                    return e;
                }
            }
            return null;
        }

        @Override
        public EngineFunction function(String exportName) {
            if (exported(exportName, ExternalType.FUNCTION) == null) {
                return null;
            }
            ExportFunction f;
            FunctionSignature sig;
            try {
                f = instance.export(exportName);
                sig = ChicoryLinking.signature(instance.exportType(exportName));
            } catch (ChicoryException e) {
                return null;
            }
            if (f == null) {
                return null;
            }
            List<ValueType> results = sig.results();
            return new EngineFunction() {
                @Override
                public FunctionSignature signature() {
                    return sig;
                }

                @Override
                public long[] call(long... args) {
                    long[] r = invoke(f, args);
                    if (r != null) {
                        ChicoryLinking.normalize(results, r);
                    }
                    return r;
                }
            };
        }

        @Override
        public long[] global(String exportName) {
            if (exported(exportName, ExternalType.GLOBAL) == null) {
                return null;
            }
            GlobalInstance g = instance.exports().global(exportName);
            ValueType t = ChicoryLinking.valueType(g.getType());
            long[] v = t == ValueType.V128
                    ? new long[] {g.getValueLow(), g.getValueHigh()}
                    : new long[] {g.getValue()};
            ChicoryLinking.normalize(List.of(t), v);
            return v;
        }

        @Override
        public Extern.InstanceExport export(String exportName) {
            Export e = exported(exportName, null);
            if (e == null) {
                return null;
            }
            return new Extern.InstanceExport(this, exportName, e.exportType().name().toLowerCase(Locale.ROOT));
        }

        private static long[] invoke(ExportFunction f, long[] args) {
            try {
                return f.apply(args);
            } catch (WasiExitException e) {
                throw new GuestExitException(e.exitCode());
            } catch (ChicoryInterruptedException e) {
                throw new GuestInterruptedException(e);
            } catch (StackOverflowError e) {
                throw new GuestTrapException("call stack exhausted", e);
            } catch (ChicoryException e) {
                throw new GuestTrapException(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage(), e);
            } catch (ArithmeticException | IndexOutOfBoundsException | NegativeArraySizeException e) {
                // compiled code surfaces some traps as plain JVM exceptions
                throw new GuestTrapException(e.toString(), e);
            }
        }

        @Override
        public byte[] read(int ptr, int len) {
            if (memory == null) {
                throw new GuestTrapException("module has no memory to read from", null);
            }
            if (ptr < 0 || len < 0 || (long) ptr + len > memory.pages() * 65536L) {
                throw new GuestTrapException("out of bounds memory access: [" + Integer.toUnsignedString(ptr)
                        + ", +" + Integer.toUnsignedString(len) + ") in " + (memory.pages() * 65536L) + " bytes", null);
            }
            return memory.readBytes(ptr, len);
        }

        @Override
        public void write(int ptr, byte[] data) {
            if (memory == null) {
                throw new GuestTrapException("module has no memory to write to", null);
            }
            if (ptr < 0 || (long) ptr + data.length > memory.pages() * 65536L) {
                throw new GuestTrapException("out of bounds memory access: [" + Integer.toUnsignedString(ptr)
                        + ", +" + data.length + ") in " + (memory.pages() * 65536L) + " bytes", null);
            }
            memory.write(ptr, data, 0, data.length);
        }

        @Override
        public long memoryBytes() {
            return memory == null ? 0 : memory.pages() * 65536L;
        }

        @Override
        public boolean memoryLimitHit() {
            return memory != null && memory.limitHit();
        }

        @Override
        public void close() {
            if (wasi != null) {
                wasi.close();
            }
        }
    }
}
