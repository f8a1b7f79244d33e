package dev.ubiq.conformance;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Counts per mode and script; printed and written to {@code target/spec-summary.txt} at the end. */
final class SpecSummary {
    enum Result {
        PASSED, FAILED, EXCLUDED,
        /** Excluded (so not counted as passed), yet it ran and behaved as the spec says. */
        EXCLUDED_PASSED
    }

    private final Map<String, Map<String, int[]>> counts = new TreeMap<>(); // script -> mode -> counts
    private final List<String> modes = new ArrayList<>();
    private final List<String> kindMismatches = Collections.synchronizedList(new ArrayList<>());
    private final List<String> failures = new ArrayList<>();
    private Exclusions exclusions;

    synchronized void exclusions(Exclusions e) {
        this.exclusions = e;
    }

    List<String> kindMismatches() {
        return kindMismatches;
    }

    synchronized void record(String mode, String script, Result r) {
        if (!modes.contains(mode)) {
            modes.add(mode);
        }
        counts.computeIfAbsent(script, s -> new TreeMap<>()).computeIfAbsent(mode, m -> new int[4])[r == Result.EXCLUDED_PASSED ? 2 : r.ordinal()]++;
        if (r == Result.EXCLUDED_PASSED) {
            counts.get(script).get(mode)[3]++;
        }
    }

    private final Map<String, Long> nanos = new TreeMap<>();
    private final Map<Exclusions.Entry, Map<String, Integer>> hits = new java.util.HashMap<>();

    /** One command covered by an exclusion entry. */
    synchronized void excluded(Exclusions.Entry e, String mode) {
        hits.computeIfAbsent(e, x -> new TreeMap<>()).merge(mode, 1, Integer::sum);
    }

    /** Time spent running one mode's commands. */
    synchronized void time(String mode, long ns) {
        nanos.merge(mode, ns, Long::sum);
    }

    synchronized void failure(String mode, String script, int line, String message) {
        failures.add(mode + " " + script + ":" + line + " " + message.replace('\n', ' '));
    }

    synchronized String render() {
        StringBuilder s = new StringBuilder();
        s.append("WebAssembly core spec suite through Ubiq's engine SPI (passed/failed/excluded commands)\n\n");
        s.append(String.format("%-44s", "script"));
        for (String m : modes) {
            s.append(String.format("  %-24s", m));
        }
        s.append('\n');
        Map<String, int[]> totals = new TreeMap<>();
        counts.forEach((script, byMode) -> {
            s.append(String.format("%-44s", script));
            for (String m : modes) {
                int[] c = byMode.getOrDefault(m, new int[4]);
                int[] t = totals.computeIfAbsent(m, x -> new int[4]);
                for (int i = 0; i < 4; i++) {
                    t[i] += c[i];
                }
                s.append(String.format("  %-24s", c[0] + "/" + c[1] + "/" + c[2]));
            }
            s.append('\n');
        });
        s.append(String.format("%-44s", "TOTAL"));
        for (String m : modes) {
            int[] t = totals.getOrDefault(m, new int[4]);
            s.append(String.format("  %-24s", t[0] + "/" + t[1] + "/" + t[2]));
        }
        s.append("\n\n");
        for (String m : modes) {
            int[] t = totals.getOrDefault(m, new int[4]);
            s.append(m).append(": ").append(t[0]).append(" passed, ").append(t[1]).append(" failed, ")
                    .append(t[2]).append(" excluded (").append(t[3]).append(" of them ran and behaved as specified anyway) of ")
                    .append(t[0] + t[1] + t[2]).append(" commands, ")
                    .append(nanos.getOrDefault(m, 0L) / 1_000_000_000.0 > 0 ? String.format("%.1f s", nanos.getOrDefault(m, 0L) / 1e9) : "")
                    .append('\n');
        }
        List<String> mismatches;
        synchronized (kindMismatches) {
            mismatches = new ArrayList<>(kindMismatches);
        }
        s.append("\nModules rejected with the other error kind (accepted; malformed vs invalid): ")
                .append(mismatches.size()).append('\n');
        mismatches.stream().sorted().forEach(m -> s.append("  ").append(m).append('\n'));
        if (exclusions != null) {
            s.append("\nExclusions (").append(Exclusions.RESOURCE.substring(1)).append("): ")
                    .append(exclusions.entries().size()).append(" entries\n");
            exclusions.entries().forEach(e -> s.append("  ").append(e.selector()).append(' ').append(e.mode())
                    .append(" (commands per mode: ").append(hits.getOrDefault(e, Map.of())).append("): ")
                    .append(e.reason()).append('\n'));
        }
        return s.toString();
    }

    /** Prints the table; writes it and every failure (spec-failures.txt beside it) to files. */
    void print() {
        String text = render();
        System.out.println(text);
        String file = System.getProperty("ubiq.spec.summary", "target/spec-summary.txt");
        try {
            Path p = Path.of(file).toAbsolutePath();
            Files.createDirectories(p.getParent());
            Files.writeString(p, text);
            List<String> f;
            synchronized (this) {
                f = new ArrayList<>(failures);
            }
            Files.write(p.resolveSibling("spec-failures.txt"), f);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
