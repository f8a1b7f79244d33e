package dev.ubiq.abi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** docs/abi-v1.md and the guest SDK headers agree with {@link HostAbi} and {@link AbiError}. */
class HostAbiDocTest {
    private static String read(String path) throws IOException {
        return Files.readString(Path.of(path));
    }

    @Test
    void everyHostcallIsDocumentedWithItsArity() throws IOException {
        String doc = read("docs/abi-v1.md");
        for (HostAbi.Hostcall h : HostAbi.Hostcall.values()) {
            String row = "| `" + h.importName() + "` | `(";
            int i = doc.indexOf(row);
            assertTrue(i >= 0, "abi-v1.md has no row for " + h.importName());
            String sig = doc.substring(i + row.length(), doc.indexOf(')', i + row.length()));
            int params = h.params().isEmpty() ? 0 : h.params().split(" ").length;
            int documented = sig.isBlank() ? 0 : sig.split(",").length;
            assertEquals(params, documented, h.importName() + ": documented (" + sig + ")");
        }
    }

    @Test
    void everyErrorCodeIsDocumentedWithItsNumberAndInTheSdks() throws IOException {
        String doc = read("docs/abi-v1.md");
        String c = read("guest/c/ubiq.h");
        String rust = read("guest/rust/ubiq/src/lib.rs");
        String as = read("guest/assemblyscript/assembly/index.ts");
        Set<Integer> codes = new HashSet<>();
        for (AbiError e : AbiError.values()) {
            assertTrue(codes.add(e.code()), "duplicate code " + e.code());
            assertEquals(e, AbiError.of(e.code()));
            assertTrue(doc.contains("| " + e.code() + " | " + e.name() + " |"), "abi-v1.md: " + e);
            assertTrue(c.matches("(?s).*#define UBIQ_E_" + e.name() + " +\\(" + e.code() + "\\).*"), "ubiq.h: " + e);
            assertTrue(as.contains("export const " + e.name() + ": i32 = " + e.code() + ";"), "index.ts: " + e);
            assertTrue(rust.contains("=> " + e.code() + ",") || rust.contains("=> " + e.code() + "\n"), "lib.rs: " + e);
        }
        assertNull(AbiError.of(0));
        assertNull(AbiError.of(5));
        assertNull(AbiError.of(-AbiError.values().length - 1));
    }

    @Test
    void everyHostcallIsImportedByEverySdk() throws IOException {
        String c = read("guest/c/ubiq.h");
        String rust = read("guest/rust/ubiq/src/lib.rs");
        String as = read("guest/assemblyscript/assembly/index.ts");
        for (HostAbi.Hostcall h : HostAbi.Hostcall.values()) {
            assertTrue(c.contains("UBIQ_IMPORT(\"" + h.importName() + "\")"), "ubiq.h lacks " + h.importName());
            assertTrue(as.contains("@external(\"ubiq:v1\", \"" + h.importName() + "\")"), "index.ts lacks " + h.importName());
            assertTrue(rust.contains("pub fn " + h.importName() + "(") || rust.contains("#[link_name = \"" + h.importName() + "\"]"),
                    "lib.rs lacks " + h.importName());
        }
    }
}
