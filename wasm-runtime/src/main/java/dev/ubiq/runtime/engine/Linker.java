package dev.ubiq.runtime.engine;

import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Resolves a module's imports, {@code (module, name)}, to {@link Extern}s: host-provided functions,
 * globals, memories and tables, or the exports of instances registered under a module name (the
 * spec's {@code register}). Immutable; {@link #toBuilder()} derives a linker that shares the host
 * objects already created, so instances linked through either see the same memories and globals.
 *
 * <pre>{@code
 * Linker linker = Linker.builder()
 *         .define("env", "log", logFunction)
 *         .define("env", "memory", new HostMemory(1, 16))
 *         .build();
 * EngineInstance a = module.instantiate(new InstanceSpec(64 << 20, null, linker));
 * Linker withA = linker.toBuilder().instance("a", a).build();   // a's exports importable as "a".*
 * }</pre>
 *
 * <p>Resolution: an explicit {@link Builder#define} wins over a registered instance's export of the
 * same name; a later {@code define} or {@code instance} for the same name replaces the earlier one.
 * Whether the extern's type matches the import is checked by the engine at instantiation, which
 * throws {@link dev.ubiq.runtime.UbiqException.UnlinkableModuleException} when it does not.
 */
public final class Linker {
    private static final Linker EMPTY = builder().build();

    private final Map<String, Map<String, Extern>> defined;
    private final Map<String, EngineInstance> instances;
    private final Store store;

    private Linker(Map<String, Map<String, Extern>> defined, Map<String, EngineInstance> instances, Store store) {
        this.defined = defined;
        this.instances = instances;
        this.store = store;
    }

    /** A linker that resolves nothing. */
    public static Linker empty() {
        return EMPTY;
    }

    public static Builder builder() {
        return new Builder(new LinkedHashMap<>(), new LinkedHashMap<>(), new Store());
    }

    /** A builder starting from this linker's definitions, sharing its host objects. */
    public Builder toBuilder() {
        Map<String, Map<String, Extern>> d = new LinkedHashMap<>();
        defined.forEach((m, names) -> d.put(m, new LinkedHashMap<>(names)));
        return new Builder(d, new LinkedHashMap<>(instances), store);
    }

    /** The extern for an import, or {@code null} when nothing of that name is known. */
    public Extern resolve(String module, String name) {
        Map<String, Extern> names = defined.get(module);
        if (names != null) {
            Extern e = names.get(name);
            if (e != null) {
                return e;
            }
        }
        EngineInstance instance = instances.get(module);
        return instance == null ? null : instance.export(name);
    }

    /**
     * For engines: the object created for a host global, memory or table, created by {@code create}
     * the first time and shared afterwards, for as long as this linker or one derived from it lives.
     */
    public Object materialize(Extern extern, Supplier<?> create) {
        return store.get(extern, create);
    }

    /** Host objects made for one family of linkers, keyed by definition identity. */
    private static final class Store {
        private final Map<Extern, Object> objects = new IdentityHashMap<>();

        synchronized Object get(Extern extern, Supplier<?> create) {
            Object o = objects.get(extern);
            if (o == null) {
                o = Objects.requireNonNull(create.get());
                objects.put(extern, o);
            }
            return o;
        }
    }

    /** Collects definitions; {@link #build()} returns an immutable {@link Linker}. */
    public static final class Builder {
        private final Map<String, Map<String, Extern>> defined;
        private final Map<String, EngineInstance> instances;
        private final Store store;

        private Builder(Map<String, Map<String, Extern>> defined, Map<String, EngineInstance> instances, Store store) {
            this.defined = defined;
            this.instances = instances;
            this.store = store;
        }

        /** Makes {@code extern} importable as {@code module.name}. */
        public Builder define(String module, String name, Extern extern) {
            Objects.requireNonNull(module, "module");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(extern, "extern");
            defined.computeIfAbsent(module, m -> new LinkedHashMap<>()).put(name, extern);
            return this;
        }

        /** Makes every export of {@code instance} importable under {@code module}. */
        public Builder instance(String module, EngineInstance instance) {
            Objects.requireNonNull(module, "module");
            instances.put(module, Objects.requireNonNull(instance, "instance"));
            return this;
        }

        public Linker build() {
            Map<String, Map<String, Extern>> d = new LinkedHashMap<>();
            defined.forEach((m, names) -> d.put(m, Map.copyOf(names)));
            return new Linker(Map.copyOf(d), Map.copyOf(instances), store);
        }
    }
}
