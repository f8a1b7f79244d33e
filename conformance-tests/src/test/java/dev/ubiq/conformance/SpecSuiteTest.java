package dev.ubiq.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ubiq.runtime.engine.Engine;
import dev.ubiq.runtime.internal.ChicoryEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * The WebAssembly 2.0 core spec suite (wast2json output, see {@link SpecCorpus}) through Ubiq's
 * engine SPI, in every engine mode: one container per mode and script, one test per command, run in
 * the script's order. Commands on the exclusion list ({@code spec-exclusions.txt}) still run when
 * they can and show as skipped with their reason; a line-specific entry whose command passes fails,
 * so the list cannot go stale. The per-script summary is printed and written to {@code
 * target/spec-summary.txt}.
 */
class SpecSuiteTest {
    /** A command running longer than this is interrupted (the engine honours interrupts) and fails. */
    private static final long COMMAND_TIMEOUT_S = 60;

    /** A regex over script names to run only some, e.g. {@code -Dubiq.spec.scripts='f32|linking'}. */
    static final String SCRIPTS = "ubiq.spec.scripts";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final SpecSummary SUMMARY = new SpecSummary();
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "spec-watchdog");
        t.setDaemon(true);
        return t;
    });

    enum Mode {
        COMPILED("compiled", false), INTERPRETER("interpreter", true);

        final String label;
        final boolean interpreterOnly;

        Mode(String label, boolean interpreterOnly) {
            this.label = label;
            this.interpreterOnly = interpreterOnly;
        }
    }

    @TestFactory
    Stream<DynamicNode> specSuite() {
        Path root = SpecCorpus.root();
        List<String> scripts = SpecCorpus.scripts(root).stream()
                .filter(s -> s.matches(System.getProperty(SCRIPTS, ".*"))).toList();
        Assertions.assertFalse(scripts.isEmpty(), "no scripts under " + root.resolve("json")
                + " match -D" + SCRIPTS + "=" + System.getProperty(SCRIPTS, ".*"));
        Exclusions exclusions = Exclusions.load();
        SUMMARY.exclusions(exclusions);
        return Stream.of(Mode.values()).map(mode -> DynamicContainer.dynamicContainer(mode.label,
                scripts.stream().map(script -> script(root, script, mode, exclusions))));
    }

    private static DynamicNode script(Path root, String script, Mode mode, Exclusions exclusions) {
        Path json = SpecCorpus.json(root, script);
        JsonNode commands;
        try {
            commands = JSON.readTree(json.toFile()).get("commands");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Each script gets a fresh engine, store and spectest; closed after its last command.
        Engine engine = new ChicoryEngine(mode.interpreterOnly, null, msg -> {});
        List<JsonNode> list = new ArrayList<>();
        commands.forEach(list::add);
        ScriptRun[] run = new ScriptRun[1];
        List<DynamicTest> tests = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode cmd = list.get(i);
            boolean last = i == list.size() - 1;
            tests.add(DynamicTest.dynamicTest(ScriptRun.name(cmd), () -> {
                if (run[0] == null) {
                    run[0] = new ScriptRun(engine, json.getParent(), script, SUMMARY.kindMismatches());
                }
                try {
                    command(run[0], cmd, script, mode, exclusions);
                } finally {
                    if (last) {
                        run[0].close();
                    }
                }
            }));
        }
        return DynamicContainer.dynamicContainer(script + ".wast", tests);
    }

    private static void command(ScriptRun run, JsonNode cmd, String script, Mode mode, Exclusions exclusions) {
        int line = cmd.get("line").asInt();
        String category = ScriptRun.category(cmd);
        Exclusions.Entry excluded = exclusions.find(script, cmd, category, mode.label);
        if (excluded != null) {
            SUMMARY.excluded(excluded, mode.label);
        }
        if (category != null) {
            // cannot be run here at all; the exclusion list must say so
            SUMMARY.record(mode.label, script, excluded != null ? SpecSummary.Result.EXCLUDED : SpecSummary.Result.FAILED);
            Assumptions.assumeTrue(excluded == null, () -> "excluded: " + excluded.reason());
            Assertions.fail("a " + category + " command cannot be run (" + cmd.get("filename").asText()
                    + ") and no exclusion covers it");
        }
        Throwable failure = null;
        long t0 = System.nanoTime();
        Thread self = Thread.currentThread();
        ScheduledFuture<?> timer = WATCHDOG.schedule(self::interrupt, COMMAND_TIMEOUT_S, TimeUnit.SECONDS);
        try {
            run.run(cmd);
        } catch (Throwable t) {
            failure = t;
        } finally {
            timer.cancel(false);
            Thread.interrupted();
            SUMMARY.time(mode.label, System.nanoTime() - t0);
        }
        if (excluded != null) {
            if (failure == null && excluded.lineSpecific()) {
                SUMMARY.record(mode.label, script, SpecSummary.Result.FAILED);
                Assertions.fail("excluded by spec-exclusions.txt line " + excluded.fileLine()
                        + " but it passes now: remove the entry (" + excluded.reason() + ")");
            }
            SUMMARY.record(mode.label, script, failure == null ? SpecSummary.Result.EXCLUDED_PASSED : SpecSummary.Result.EXCLUDED);
            Throwable f = failure;
            Assumptions.abort(() -> "excluded: " + excluded.reason()
                    + (f == null ? " (passed anyway)" : " (" + f.getMessage() + ")"));
        }
        if (failure != null) {
            SUMMARY.record(mode.label, script, SpecSummary.Result.FAILED);
            SUMMARY.failure(mode.label, script, line, String.valueOf(failure.getMessage()).lines().findFirst().orElse("")
                    + (failure instanceof AssertionError ? "" : " [" + failure.getClass().getName() + "]"));
            if (failure instanceof AssertionError a) {
                throw a;
            }
            throw new AssertionError(failure.toString(), failure);
        }
        SUMMARY.record(mode.label, script, SpecSummary.Result.PASSED);
    }

    @AfterAll
    static void summary() {
        SUMMARY.print();
    }

}
