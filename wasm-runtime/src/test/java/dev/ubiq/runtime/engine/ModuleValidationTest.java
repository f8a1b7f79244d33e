package dev.ubiq.runtime.engine;

import static dev.ubiq.runtime.engine.TinyWasm.I32;
import static dev.ubiq.runtime.engine.TinyWasm.b;
import static dev.ubiq.runtime.engine.TinyWasm.body;
import static dev.ubiq.runtime.engine.TinyWasm.name;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ubiq.runtime.UbiqException.InvalidModuleException;
import dev.ubiq.runtime.internal.ChicoryEngine;
import org.junit.jupiter.api.Test;

/** Invalid modules Chicory 1.7.5's parser lets through are refused at compile time (found by the spec suite). */
class ModuleValidationTest {
    private final Engine engine = new ChicoryEngine(true, null, s -> {});

    private void rejects(byte[] wasm, String why) {
        var e = assertThrows(InvalidModuleException.class, () -> engine.compile(wasm, "m"));
        assertTrue(e.getMessage().contains(why), e.getMessage());
    }

    @Test
    void rejectsDuplicateExportNames() {
        rejects(new TinyWasm()
                .section(1, b(1, 0x60, 0, 0))
                .section(3, b(2, 0, 0))
                .section(7, b(2), name("a"), b(0, 0), name("a"), b(0, 1))
                .section(10, b(2), body(0x0b), body(0x0b))
                .build(), "duplicate export name 'a'");
    }

    @Test
    void rejectsExportOfUnknownFunction() {
        rejects(new TinyWasm()
                .section(7, b(1), name("f"), b(0, 0))
                .build(), "unknown function 0");
    }

    @Test
    void rejectsImportOfUnknownType() {
        rejects(new TinyWasm()
                .section(2, b(1), name("env"), name("f"), b(0, 43))
                .build(), "unknown type 43");
    }

    @Test
    void rejectsGlobalGetOfUnknownGlobalInConstantExpression() {
        rejects(new TinyWasm()
                .section(6, b(1, I32, 0, 0x23, 5, 0x0b))
                .build(), "unknown global 5");
    }
}
