package dev.ubiq.tools;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ubiq.abi.FunctionShape;
import dev.ubiq.runtime.UbiqException;
import dev.ubiq.runtime.engine.ModuleInfo;
import dev.ubiq.runtime.internal.ChicoryEngine;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ubiq inspect}: what a module declares (imports, exports, memory) and which function shape
 * the runtime would give it, without compiling or running it.
 *
 * <pre>{@code
 * ubiq inspect guests/out/hello.wasm
 * ubiq inspect --output json guests/out/trivial_reactor.wasm | jq .exports
 * }</pre>
 */
@Command(name = "inspect",
        mixinStandardHelpOptions = true,
        versionProvider = UbiqCli.VersionProvider.class,
        description = "Prints a module's size, sha256, imports, exports, memory and inferred function shape "
                + "(decodes and validates it; nothing is compiled or run).",
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:the module decodes and validates",
            "2:usage error (bad flags, module file missing or unreadable)",
            "126:the module is malformed or invalid"
        })
final class InspectCommand implements Callable<Integer> {
    /** Inspecting compiles nothing, so modules far above {@code run}'s size limit are fine. */
    static final long MAX_MODULE_BYTES = Integer.MAX_VALUE - 8;

    /** Output formats of {@code --output}. */
    enum Format { text, json }

    @Option(names = {"-o", "--output"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text (default) or json.")
    private Format format;

    @Parameters(index = "0", paramLabel = "MODULE", description = "The .wasm file to inspect.")
    private Path module;

    private final UbiqCli.Io io;

    InspectCommand(UbiqCli.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() throws Exception {
        byte[] wasm = ModuleFiles.read(module, MAX_MODULE_BYTES);
        ModuleInfo info;
        try {
            info = new ChicoryEngine(false, null, line -> {}).inspect(wasm);
        } catch (UbiqException e) {
            throw new CliFailure(ExitCodes.BAD_MODULE, module + ": " + e.getMessage());
        }
        FunctionShape shape = FunctionShape.infer(info.exportNames());
        if (format == Format.json) {
            ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
            io.out().println(json.writeValueAsString(toJson(info, shape)));
        } else {
            printText(io.out(), info, shape);
        }
        return ExitCodes.OK;
    }

    private void printText(PrintStream out, ModuleInfo info, FunctionShape shape) {
        out.println("file     " + module);
        out.println("size     " + info.sizeBytes() + " bytes");
        out.println("sha256   " + info.sha256());
        out.println("shape    " + (shape == null
                ? "none (exports neither _start nor ubiq_handle: 'ubiq run' refuses it)"
                : shape.manifestName()));
        ModuleInfo.Memory m = info.memory();
        if (m == null) {
            out.println("memory   none");
        } else {
            out.println("memory   initial " + m.initialPages() + " pages (" + ((long) m.initialPages() << 16)
                    + " bytes), maximum " + (m.maximumPages() < 0 ? "none"
                            : m.maximumPages() + " pages (" + ((long) m.maximumPages() << 16) + " bytes)")
                    + ", " + (m.imported() ? "imported" : "defined") + (m.exported() ? ", exported" : ""));
        }
        out.println("imports  " + info.imports().size());
        table(out, info.imports().stream()
                .map(i -> List.of(i.module() + "." + i.name(), i.kind(), i.type())).toList());
        out.println("exports  " + info.exports().size());
        table(out, info.exports().stream().map(e -> List.of(e.name(), e.kind(), e.type())).toList());
    }

    /** Prints rows indented, with every column but the last padded to its widest cell. */
    private static void table(PrintStream out, List<List<String>> rows) {
        int[] width = new int[3];
        for (List<String> r : rows) {
            for (int c = 0; c < r.size(); c++) {
                width[c] = Math.max(width[c], r.get(c).length());
            }
        }
        for (List<String> r : rows) {
            StringBuilder line = new StringBuilder("  ");
            for (int c = 0; c < r.size(); c++) {
                line.append(c == r.size() - 1 ? r.get(c) : pad(r.get(c), width[c] + 2));
            }
            out.println(line.toString().stripTrailing());
        }
    }

    private static String pad(String s, int width) {
        return s + " ".repeat(Math.max(0, width - s.length()));
    }

    private ObjectNode toJson(ModuleInfo info, FunctionShape shape) {
        ObjectNode root = new ObjectMapper().createObjectNode();
        root.put("file", module.toString());
        root.put("size_bytes", info.sizeBytes());
        root.put("sha256", info.sha256());
        root.put("shape", shape == null ? null : shape.manifestName());
        ModuleInfo.Memory m = info.memory();
        if (m == null) {
            root.putNull("memory");
        } else {
            ObjectNode mem = root.putObject("memory");
            mem.put("initial_pages", m.initialPages());
            mem.put("initial_bytes", (long) m.initialPages() << 16);
            if (m.maximumPages() < 0) {
                mem.putNull("maximum_pages");
                mem.putNull("maximum_bytes");
            } else {
                mem.put("maximum_pages", m.maximumPages());
                mem.put("maximum_bytes", (long) m.maximumPages() << 16);
            }
            mem.put("imported", m.imported());
            mem.put("exported", m.exported());
        }
        ArrayNode imports = root.putArray("imports");
        for (ModuleInfo.Import i : info.imports()) {
            imports.addObject().put("module", i.module()).put("name", i.name()).put("kind", i.kind())
                    .put("type", i.type());
        }
        ArrayNode exports = root.putArray("exports");
        for (ModuleInfo.Export e : info.exports()) {
            exports.addObject().put("name", e.name()).put("kind", e.kind()).put("type", e.type());
        }
        return root;
    }
}
