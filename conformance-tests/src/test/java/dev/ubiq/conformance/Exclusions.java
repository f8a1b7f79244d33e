package dev.ubiq.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The commented exclusion list, {@code spec-exclusions.txt}: one entry a line,
 * {@code SELECTOR MODE REASON}; MODE is {@code compiled}, {@code interpreter} or {@code both}, and
 * every entry must give a reason. SELECTOR is one of
 * <ul>
 *   <li>{@code SCRIPT} every command of a script; {@code *} in it matches any characters ({@code simd_*});
 *   <li>{@code SCRIPT:LINE} one command;
 *   <li>{@code SCRIPT#EXPORT} the commands invoking one export, optionally {@code SCRIPT#EXPORT!nan:arithmetic}:
 *       only those of them expecting an arithmetic NaN;
 *   <li>{@code category:NAME} a kind of command the runner cannot judge ({@code category:text-module}).
 * </ul>
 */
final class Exclusions {
    static final String RESOURCE = "/spec-exclusions.txt";

    record Entry(String selector, String mode, String reason, int fileLine) {
        boolean matches(String script, JsonNode cmd, String category, String runMode) {
            if (!mode.equals("both") && !mode.equals(runMode)) {
                return false;
            }
            if (selector.startsWith("category:")) {
                return category != null && selector.substring("category:".length()).equals(category);
            }
            String sel = selector;
            String expectation = null;
            int bang = sel.indexOf('!');
            if (bang >= 0) {
                expectation = sel.substring(bang + 1);
                sel = sel.substring(0, bang);
            }
            String export = null;
            int hash = sel.indexOf('#');
            if (hash >= 0) {
                export = sel.substring(hash + 1);
                sel = sel.substring(0, hash);
            }
            int line = -1;
            int colon = sel.indexOf(':');
            if (colon >= 0) {
                line = Integer.parseInt(sel.substring(colon + 1));
                sel = sel.substring(0, colon);
            }
            if (!script.matches(java.util.regex.Pattern.quote(sel).replace("*", "\\E.*\\Q"))) {
                return false;
            }
            if (line >= 0 && cmd.get("line").asInt() != line) {
                return false;
            }
            JsonNode action = cmd.get("action");
            if (export != null && (action == null || !action.get("field").asText().equals(export))) {
                return false;
            }
            return expectation == null || cmd.path("expected").toString().contains("\"" + expectation + "\"");
        }

        boolean lineSpecific() {
            return !selector.startsWith("category:") && selector.matches("[^#!]*:\\d+");
        }
    }

    private final List<Entry> entries;

    private Exclusions(List<Entry> entries) {
        this.entries = List.copyOf(entries);
    }

    List<Entry> entries() {
        return entries;
    }

    static Exclusions load() {
        List<Entry> list = new ArrayList<>();
        try (InputStream in = Exclusions.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(RESOURCE + " is missing from the test class path");
            }
            var reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String raw;
            int n = 0;
            while ((raw = reader.readLine()) != null) {
                n++;
                String line = raw.strip();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                String[] parts = line.split("\\s+", 3);
                if (parts.length < 3 || parts[2].isBlank()) {
                    throw new IllegalStateException(RESOURCE + " line " + n + ": want 'SELECTOR MODE REASON', got: " + raw);
                }
                if (!List.of("compiled", "interpreter", "both").contains(parts[1])) {
                    throw new IllegalStateException(RESOURCE + " line " + n + ": mode must be compiled, interpreter or both: " + raw);
                }
                list.add(new Entry(parts[0], parts[1], parts[2], n));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Exclusions(list);
    }

    /** The first entry covering this command, or {@code null}. */
    Entry find(String script, JsonNode cmd, String category, String mode) {
        for (Entry e : entries) {
            if (e.matches(script, cmd, category, mode)) {
                return e;
            }
        }
        return null;
    }
}
