package dev.ubiq.runtime.engine;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a module declares: imports, exports and memory. What {@code ubiq inspect} prints.
 *
 * @param sizeBytes the binary's size
 * @param sha256 hex digest of the binary
 * @param imports in declaration order
 * @param exports in declaration order
 * @param memory the first memory, or {@code null} when the module has none
 */
public record ModuleInfo(long sizeBytes, String sha256, List<Import> imports, List<Export> exports, Memory memory) {
    public ModuleInfo {
        imports = List.copyOf(imports);
        exports = List.copyOf(exports);
    }

    /** The names of all exports. */
    public Set<String> exportNames() {
        return exports.stream().map(Export::name).collect(Collectors.toUnmodifiableSet());
    }

    /** Whether any import comes from a WASI preview1 module. */
    public boolean importsWasi() {
        return imports.stream().anyMatch(i -> i.module().startsWith("wasi_snapshot_preview1")
                || i.module().equals("wasi_unstable"));
    }

    /** An import: {@code kind} is function, table, memory, global or tag; {@code type} is printable. */
    public record Import(String module, String name, String kind, String type) {}

    /** An export: {@code kind} is function, table, memory, global or tag; {@code type} is printable. */
    public record Export(String name, String kind, String type) {}

    /**
     * @param initialPages initial size in 64 KiB pages
     * @param maximumPages declared maximum, or -1 when the module declares none
     * @param imported whether the memory is imported rather than defined
     * @param exported whether the module exports it
     */
    public record Memory(int initialPages, int maximumPages, boolean imported, boolean exported) {}
}
