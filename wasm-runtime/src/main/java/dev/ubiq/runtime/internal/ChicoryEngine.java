package dev.ubiq.runtime.internal;

import com.dylibso.chicory.compiler.InterpreterFallback;
import com.dylibso.chicory.compiler.internal.ClassLoadingCollector;
import com.dylibso.chicory.compiler.internal.Compiler;
import com.dylibso.chicory.runtime.ChicoryInterruptedException;
import com.dylibso.chicory.runtime.ExecutionListener;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.InterpreterMachine;
import com.dylibso.chicory.runtime.Machine;
import com.dylibso.chicory.wasm.InvalidException;
import com.dylibso.chicory.wasm.MalformedException;
import com.dylibso.chicory.wasm.Parser;
import com.dylibso.chicory.wasm.WasmModule;
import com.dylibso.chicory.wasm.types.ExternalType;
import com.dylibso.chicory.wasm.types.FunctionImport;
import com.dylibso.chicory.wasm.types.MemoryImport;
import com.dylibso.chicory.wasm.types.OpCode;
import dev.ubiq.runtime.UbiqException.InvalidModuleException;
import dev.ubiq.runtime.UbiqException.MalformedModuleException;
import dev.ubiq.runtime.engine.CompiledModule;
import dev.ubiq.runtime.engine.Engine;
import dev.ubiq.runtime.engine.EngineStats;
import dev.ubiq.runtime.engine.ExecutionMode;
import dev.ubiq.runtime.engine.ModuleInfo;
import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * The built-in engine: Chicory, compiling each module once to JVM bytecode (its runtime compiler)
 * and reusing the compiled machine factory for every instance. Functions the compiler cannot handle
 * (a body too large for one JVM method) run in Chicory's interpreter; that is logged and counted.
 *
 * <p><b>Interruption.</b> Compiled code checks {@link Thread#isInterrupted()} on back edges and
 * calls. Chicory 1.7.5's interpreter does so only on {@code br} and calls, not on {@code br_if} or
 * {@code br_table} back edges, so an interpreted {@code while (!stop)} loop could never be stopped.
 * Every instance therefore carries {@link #INTERRUPT_ON_BRANCH}, an execution listener (Chicory's
 * per-instruction hook, called only by the interpreter) that checks the flag on those two opcodes.
 * Compiled code never calls it, so it costs compiled functions nothing.
 */
public final class ChicoryEngine implements Engine {

    /** Makes the interpreter stoppable on {@code br_if}/{@code br_table} back edges. */
    static final ExecutionListener INTERRUPT_ON_BRANCH = (instruction, stack) -> {
        OpCode op = instruction.opcode();
        if ((op == OpCode.BR_IF || op == OpCode.BR_TABLE) && Thread.currentThread().isInterrupted()) {
            throw new ChicoryInterruptedException("Thread interrupted");
        }
    };

    private final boolean interpreterOnly;
    private final CodeCache cache;
    private final Consumer<String> log;
    private final AtomicLong fallbacks = new AtomicLong();
    private final AtomicLong cacheHits = new AtomicLong();
    private final AtomicLong compilations = new AtomicLong();

    /**
     * @param interpreterOnly run every function in the interpreter (slower; for debugging and
     *     for comparing modes)
     * @param cache where compiled classes are kept between runs, or {@code null} for none
     * @param log receives one line per notable event (fallback to the interpreter, cache failures)
     */
    public ChicoryEngine(boolean interpreterOnly, CodeCache cache, Consumer<String> log) {
        this.interpreterOnly = interpreterOnly;
        this.cache = cache;
        this.log = log;
    }

    @Override
    public String name() {
        return interpreterOnly ? "chicory-interpreter" : "chicory-compiled";
    }

    @Override
    public EngineStats stats() {
        return new EngineStats(compilations.get(), cacheHits.get(), fallbacks.get());
    }

    @Override
    public ModuleInfo inspect(byte[] wasm) {
        return describe(parse(wasm, "module"), wasm);
    }

    @Override
    public CompiledModule compile(byte[] wasm, String functionName) {
        WasmModule module = parse(wasm, functionName);
        rejectSimd(module, functionName);
        ModuleInfo info = describe(module, wasm);
        if (interpreterOnly) {
            return new ChicoryCompiledModule(functionName, module, info, InterpreterMachine::new,
                    ExecutionMode.INTERPRETER, Set.of(), false);
        }
        CodeCache.Entry cached = cache == null ? null : cache.get(info.sha256());
        if (cached != null) {
            try {
                var collector = new ClassLoadingCollector();
                cached.classes().forEach((name, bytes) -> {
                    if (name.equals(cached.mainClass())) {
                        collector.putMainClass(name, bytes);
                    } else {
                        collector.put(name, bytes);
                    }
                });
                cacheHits.incrementAndGet();
                return compiled(module, info, functionName, collector.machineFactory(),
                        cached.interpretedFunctions(), true);
            } catch (RuntimeException | LinkageError e) {
                log.accept("code cache entry for '" + functionName + "' unusable (" + e + "); recompiling");
            }
        }
        Function<Instance, Machine> factory;
        Set<Integer> interpreted;
        try {
            var result = Compiler.builder(module)
                    .withClassCollectorFactory(ClassLoadingCollector::new)
                    .withInterpreterFallback(InterpreterFallback.SILENT)
                    .build()
                    .compile();
            var collector = (ClassLoadingCollector) result.collector();
            factory = collector.machineFactory();
            interpreted = result.interpretedFunctions();
            compilations.incrementAndGet();
            if (cache != null) {
                try {
                    cache.put(info.sha256(), new CodeCache.Entry(collector.mainClassName(),
                            collector.classBytes(), interpreted));
                } catch (IOException e) {
                    log.accept("could not write code cache for '" + functionName + "' in "
                            + cache.dir() + ": " + e);
                }
            }
        } catch (RuntimeException | LinkageError | AssertionError e) {
            // The compiler failed on the whole module: run all of it in the interpreter.
            fallbacks.incrementAndGet();
            log.accept("compiler failed on function '" + functionName + "' (" + e
                    + "); running the whole module in the interpreter");
            return new ChicoryCompiledModule(functionName, module, info, InterpreterMachine::new,
                    ExecutionMode.COMPILED_WITH_FALLBACK, allFunctions(module), false);
        }
        return compiled(module, info, functionName, factory, interpreted, false);
    }

    private ChicoryCompiledModule compiled(WasmModule module, ModuleInfo info, String functionName,
            Function<Instance, Machine> factory, Set<Integer> interpreted, boolean fromCache) {
        ExecutionMode mode = ExecutionMode.COMPILED;
        if (!interpreted.isEmpty()) {
            mode = ExecutionMode.COMPILED_WITH_FALLBACK;
            fallbacks.incrementAndGet();
            log.accept("function '" + functionName + "': " + interpreted.size()
                    + " wasm function(s) too large for the compiler run in the interpreter: " + interpreted);
        }
        return new ChicoryCompiledModule(functionName, module, info, factory, mode, Set.copyOf(interpreted), fromCache);
    }

    private static Set<Integer> allFunctions(WasmModule module) {
        int imported = module.importSection().count(ExternalType.FUNCTION);
        Set<Integer> all = new java.util.TreeSet<>();
        for (int i = 0; i < module.functionSection().functionCount(); i++) {
            all.add(imported + i);
        }
        return all;
    }

    /**
     * Chicory 1.7.5 cannot execute SIMD: the first v128 instruction would fail at request time
     * with an unclassified error. Refusing the module at deploy says so once, clearly.
     */
    static void rejectSimd(WasmModule module, String functionName) {
        var bodies = module.codeSection().functionBodies();
        for (int f = 0; f < bodies.length; f++) {
            for (var ins : bodies[f].instructions()) {
                int op = ins.opcode().opcode();
                if (op >= 0xFD00 && op <= 0xFDFF) {
                    throw new InvalidModuleException("function '" + functionName + "': the module uses SIMD ("
                            + ins.opcode() + " in function " + (f + module.importSection().count(ExternalType.FUNCTION))
                            + "), which the Chicory engine cannot execute; build it without SIMD (e.g. no -msimd128)", null);
                }
            }
        }
    }

    static WasmModule parse(byte[] wasm, String functionName) {
        if (wasm.length == 0) {
            throw new MalformedModuleException("function '" + functionName + "': module is empty (0 bytes)", null);
        }
        if (wasm.length < 8 || wasm[0] != 0 || wasm[1] != 'a' || wasm[2] != 's' || wasm[3] != 'm') {
            throw new MalformedModuleException("function '" + functionName
                    + "': not a WebAssembly binary (missing \\0asm magic; a .wat text file must be compiled first)", null);
        }
        WasmModule module;
        try {
            module = Parser.parse(wasm);
        } catch (MalformedException e) {
            throw new MalformedModuleException("function '" + functionName + "': malformed module: " + e.getMessage(), e);
        } catch (InvalidException e) {
            throw new InvalidModuleException("function '" + functionName + "': invalid module: " + e.getMessage(), e);
        } catch (RuntimeException | StackOverflowError | AssertionError e) {
            // Hostile bytes can make the decoder fail in ways it does not classify; with -ea some of
            // its checks are Java asserts (an `else` without its `if`, found by fuzzing).
            throw new MalformedModuleException("function '" + functionName + "': malformed module: " + e, e);
        }
        validateIndices(module, functionName);
        return module;
    }

    /**
     * Checks Chicory 1.7.5's parser leaves to instantiation or skips: duplicate export names,
     * exports of unknown indices, imported functions of unknown types, {@code global.get} of an
     * unknown global in a constant expression. They make a module invalid, so they are refused
     * here, at compile time, as {@code InvalidModuleException} (found by the spec suite).
     */
    private static void validateIndices(WasmModule module, String functionName) {
        String who = "function '" + functionName + "': invalid module: ";
        var is = module.importSection();
        int types = module.typeSection().typeCount();
        for (int i = 0; i < is.importCount(); i++) {
            if (is.getImport(i) instanceof FunctionImport fi && (fi.typeIndex() < 0 || fi.typeIndex() >= types)) {
                throw new InvalidModuleException(who + "import " + fi.module() + "." + fi.name()
                        + " has unknown type " + fi.typeIndex(), null);
            }
        }
        int globals = is.count(ExternalType.GLOBAL) + module.globalSection().globalCount();
        List<List<com.dylibso.chicory.wasm.types.Instruction>> constants = new ArrayList<>();
        for (var g : module.globalSection().globals()) {
            constants.add(g.initInstructions());
        }
        for (var d : module.dataSection().dataSegments()) {
            if (d instanceof com.dylibso.chicory.wasm.types.ActiveDataSegment a) {
                constants.add(a.offsetInstructions());
            }
        }
        for (var e : module.elementSection().elements()) {
            if (e instanceof com.dylibso.chicory.wasm.types.ActiveElement a) {
                constants.add(a.offset());
            }
            constants.addAll(e.initializers());
        }
        for (var expr : constants) {
            for (var ins : expr) {
                if (ins.opcode() == OpCode.GLOBAL_GET && (ins.operand(0) < 0 || ins.operand(0) >= globals)) {
                    throw new InvalidModuleException(who + "unknown global " + ins.operand(0)
                            + " in a constant expression", null);
                }
            }
        }
        var es = module.exportSection();
        Set<String> names = new java.util.HashSet<>();
        for (int i = 0; i < es.exportCount(); i++) {
            var e = es.getExport(i);
            if (!names.add(e.name())) {
                throw new InvalidModuleException("function '" + functionName + "': invalid module: duplicate export name '"
                        + e.name() + "'", null);
            }
            ExternalType type = e.exportType();
            long count = module.importSection().count(type) + switch (type) {
                case FUNCTION -> module.functionSection().functionCount();
                case GLOBAL -> module.globalSection().globalCount();
                case TABLE -> module.tableSection().tableCount();
                case MEMORY -> module.memorySection().map(m -> m.memoryCount()).orElse(0);
                default -> Long.MAX_VALUE / 2; // tags: Chicory checks them itself
            };
            if (e.index() < 0 || e.index() >= count) {
                throw new InvalidModuleException("function '" + functionName + "': invalid module: export '" + e.name()
                        + "' refers to unknown " + type.name().toLowerCase(Locale.ROOT) + " " + e.index(), null);
            }
        }
    }

    static ModuleInfo describe(WasmModule module, byte[] wasm) {
        var types = module.typeSection();
        List<ModuleInfo.Import> imports = new ArrayList<>();
        List<Integer> funcTypes = new ArrayList<>();
        ModuleInfo.Memory memory = null;
        var is = module.importSection();
        for (int i = 0; i < is.importCount(); i++) {
            var imp = is.getImport(i);
            String type = "";
            if (imp instanceof FunctionImport fi) {
                funcTypes.add(fi.typeIndex());
                type = signature(types.getType(fi.typeIndex()));
            } else if (imp instanceof MemoryImport mi) {
                type = limits(mi.limits().initialPages(), mi.limits().maximumPages());
                if (memory == null) {
                    memory = new ModuleInfo.Memory(mi.limits().initialPages(), declaredMax(mi.limits().maximumPages()), true, false);
                }
            }
            imports.add(new ModuleInfo.Import(imp.module(), imp.name(), kind(imp.importType()), type));
        }
        for (int i = 0; i < module.functionSection().functionCount(); i++) {
            funcTypes.add(module.functionSection().getFunctionType(i));
        }
        if (memory == null && module.memorySection().isPresent() && module.memorySection().get().memoryCount() > 0) {
            var l = module.memorySection().get().getMemory(0).limits();
            memory = new ModuleInfo.Memory(l.initialPages(), declaredMax(l.maximumPages()), false, false);
        }
        List<ModuleInfo.Export> exports = new ArrayList<>();
        var es = module.exportSection();
        for (int i = 0; i < es.exportCount(); i++) {
            var e = es.getExport(i);
            String type = "";
            if (e.exportType() == ExternalType.FUNCTION && e.index() < funcTypes.size()) {
                type = signature(types.getType(funcTypes.get(e.index())));
            }
            if (e.exportType() == ExternalType.MEMORY && memory != null && e.index() == 0) {
                memory = new ModuleInfo.Memory(memory.initialPages(), memory.maximumPages(), memory.imported(), true);
                type = limits(memory.initialPages(), memory.maximumPages());
            }
            exports.add(new ModuleInfo.Export(e.name(), kind(e.exportType()), type));
        }
        return new ModuleInfo(wasm.length, sha256(wasm), imports, exports, memory);
    }

    private static int declaredMax(int chicoryMax) {
        // Chicory reports an undeclared maximum as the wasm32 ceiling
        return chicoryMax >= com.dylibso.chicory.wasm.types.MemoryLimits.MAX_PAGES ? -1 : chicoryMax;
    }

    private static String limits(int min, int max) {
        int m = declaredMax(max);
        return "pages " + min + (m < 0 ? ".." : ".." + m);
    }

    private static String kind(ExternalType t) {
        return t.name().toLowerCase(Locale.ROOT);
    }

    private static String signature(com.dylibso.chicory.wasm.types.FunctionType t) {
        return "(" + String.join(", ", t.params().stream().map(v -> v.toString().toLowerCase(Locale.ROOT)).toList())
                + ") -> (" + String.join(", ", t.returns().stream().map(v -> v.toString().toLowerCase(Locale.ROOT)).toList()) + ")";
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
