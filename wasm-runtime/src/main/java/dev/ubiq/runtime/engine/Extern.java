package dev.ubiq.runtime.engine;

/**
 * Something a module can import: a host-provided function, global, memory or table, or an export
 * of another {@link EngineInstance}. A {@link Linker} maps import names to externs.
 *
 * <p>Host globals, memories and tables are descriptions: the engine creates the object the first
 * time a module linked through a {@link Linker} imports it, and every later importer through that
 * linker (or one derived from it with {@link Linker#toBuilder}) shares the same object, as a
 * WebAssembly store does. Host functions are stateless and may be shared freely.
 */
public sealed interface Extern
        permits HostFunction, HostGlobal, HostMemory, HostTable, Extern.InstanceExport {

    /** What kind of extern this is, for error messages. */
    String kind();

    /**
     * An export of a live instance. Linking it shares the underlying object (the same memory, the
     * same global cell, the same table, the same function), as {@code register} in the spec does.
     * It only links into modules of the engine that made {@code owner}.
     *
     * @param owner the exporting instance; it must outlive the importers
     * @param name its export name
     * @param kind function, global, memory or table
     */
    record InstanceExport(EngineInstance owner, String name, String kind) implements Extern {}
}
