package dev.ubiq.benchmarks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Prints the Markdown tables of {@code docs/benchmarks.md} from one JMH JSON result and the native
 * baselines' output: every variant with its baseline from the same run, the ratio of their
 * medians, and each goal as met or not met. Run by {@code benchmarks/run.sh}.
 *
 * <pre>{@code
 * java -cp benchmarks/target/benchmarks.jar dev.ubiq.benchmarks.Summary \
 *     benchmarks/target/jmh-result.json benchmarks/target/native.txt
 * }</pre>
 */
public final class Summary {
    private Summary() {}

    /** variant → its baseline (same class). Variants absent here are baselines or diagnostics. */
    static final Map<String, String> BASELINE = Map.ofEntries(
            Map.entry("InstantiateBench.rawInstantiate", "InstantiateBench.rawInstantiateAndCall"),
            Map.entry("InstantiateBench.rawInstantiateAndCallCapped", "InstantiateBench.rawInstantiateAndCall"),
            Map.entry("InstantiateBench.ubiqFreshIsolate", "InstantiateBench.rawInstantiateAndCall"),
            Map.entry("WarmCallBench.rawHandle", "WarmCallBench.rawWriteHandleRead"),
            Map.entry("WarmCallBench.rawAbiCall", "WarmCallBench.rawWriteHandleRead"),
            Map.entry("WarmCallBench.ubiqPooled", "WarmCallBench.rawWriteHandleRead"),
            Map.entry("WarmCallBench.ubiqPooledNoCpuMetering", "WarmCallBench.rawWriteHandleRead"),
            Map.entry("WarmCallBench.ubiqPooledCpuAlways", "WarmCallBench.rawWriteHandleRead"),
            Map.entry("WasiHelloBench.ubiq", "WasiHelloBench.rawWasi"),
            Map.entry("ComputeBench.fib30CompiledLimitedMemory", "ComputeBench.fib30CompiledRaw"),
            Map.entry("ComputeBench.fib20Interpreter", "ComputeBench.fib20CompiledRaw"),
            Map.entry("ComputeBench.matmul128CompiledLimitedMemory", "ComputeBench.matmul128CompiledRaw"),
            Map.entry("ComputeBench.fib30CompiledForked", "ComputeBench.fib30CompiledRaw"),
            Map.entry("ComputeBench.matmul128CompiledForked", "ComputeBench.matmul128CompiledRaw"));

    /** One result row. Times are in the benchmark's own unit. */
    record Row(String name, String mode, String unit, double mean, double error, double p50, double p90,
            double p99, double bytesPerOp, long samples) {}

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: Summary jmh-result.json [native.txt]");
            System.exit(2);
        }
        Map<String, Row> rows = read(Path.of(args[0]));
        Map<String, Long> nativeNs = args.length > 1 && Files.exists(Path.of(args[1]))
                ? readNative(Path.of(args[1])) : Map.of();
        StringBuilder out = new StringBuilder();
        for (String bench : List.of("InstantiateBench", "WarmCallBench", "WasiHelloBench", "ComputeBench")) {
            table(out, bench, rows);
        }
        natives(out, rows, nativeNs);
        goals(out, rows);
        System.out.print(out);
    }

    static Map<String, Row> read(Path json) throws IOException {
        Map<String, Row> rows = new LinkedHashMap<>();
        for (JsonNode r : new ObjectMapper().readTree(json.toFile())) {
            String[] parts = r.get("benchmark").asText().split("\\.");
            String name = parts[parts.length - 2] + "." + parts[parts.length - 1];
            String mode = r.get("mode").asText();
            JsonNode pm = r.get("primaryMetric");
            JsonNode pct = pm.get("scorePercentiles");
            JsonNode alloc = r.path("secondaryMetrics").path("gc.alloc.rate.norm").path("score");
            long samples = 0;
            for (JsonNode fork : pm.path("rawDataHistogram")) {
                for (JsonNode iteration : fork) {
                    for (JsonNode bucket : iteration) {
                        samples += bucket.get(1).asLong();
                    }
                }
            }
            rows.put(name + "/" + mode, new Row(name, mode, pm.get("scoreUnit").asText(),
                    pm.get("score").asDouble(), pm.get("scoreError").asDouble(Double.NaN),
                    pct.path("50.0").asDouble(Double.NaN), pct.path("90.0").asDouble(Double.NaN),
                    pct.path("99.0").asDouble(Double.NaN), alloc.isMissingNode() ? Double.NaN : alloc.asDouble(),
                    samples));
        }
        return rows;
    }

    static Map<String, Long> readNative(Path file) throws IOException {
        Map<String, Long> ns = new LinkedHashMap<>();
        Pattern p = Pattern.compile("^(\\w+)\\((\\d+)\\)=\\S+ median_ns=(\\d+)");
        for (String line : Files.readAllLines(file)) {
            Matcher m = p.matcher(line.trim());
            if (m.find()) {
                ns.put(m.group(1) + m.group(2), Long.parseLong(m.group(3)));
            }
        }
        return ns;
    }

    static void table(StringBuilder out, String bench, Map<String, Row> rows) {
        List<Row> mine = rows.values().stream().filter(r -> r.name().startsWith(bench + ".")).toList();
        if (mine.isEmpty()) {
            return;
        }
        out.append("\n### ").append(bench).append("\n\n");
        out.append("| variant | mode | p50 | p90 | p99 | mean ± error | baseline | p50 ratio | p50 − baseline | alloc B/op |\n");
        out.append("|---|---|---:|---:|---:|---:|---|---:|---:|---:|\n");
        for (Row r : mine) {
            String base = BASELINE.get(r.name());
            Row b = base == null ? null : rows.get(base + "/" + r.mode());
            String unit = r.unit().replace("/op", "");
            boolean sample = r.mode().equals("sample");
            out.append("| ").append(r.name().substring(bench.length() + 1))
                    .append(" | ").append(r.mode())
                    .append(" | ").append(sample ? fmt(r.p50()) + " " + unit : "")
                    .append(" | ").append(sample ? fmt(r.p90()) + " " + unit : "")
                    .append(" | ").append(sample ? fmt(r.p99()) + " " + unit : "")
                    .append(" | ").append(fmt(r.mean())).append(" ± ").append(fmt(r.error())).append(" ").append(unit)
                    .append(" | ").append(base == null ? "—" : base.substring(bench.length() + 1))
                    .append(" | ").append(b == null ? "" : String.format(Locale.ROOT, "%.2fx", med(r) / med(b)))
                    .append(" | ").append(b == null ? "" : fmt(med(r) - med(b)) + " " + unit)
                    .append(" | ").append(Double.isNaN(r.bytesPerOp()) ? "" : fmt(r.bytesPerOp()))
                    .append(" |\n");
        }
    }

    /** The median for sample mode, the mean for the other modes (they have no percentiles). */
    static double med(Row r) {
        return r.mode().equals("sample") ? r.p50() : r.mean();
    }

    static void natives(StringBuilder out, Map<String, Row> rows, Map<String, Long> nativeNs) {
        if (nativeNs.isEmpty()) {
            return;
        }
        out.append("\n### wasm (Chicory compiled) vs native (gcc -O2)\n\n");
        out.append("| guest | native median | wasm variant | wasm p50 | wasm/native |\n|---|---:|---|---:|---:|\n");
        String[][] pairs = {
            {"fib" + ComputeBench.FIB, "ComputeBench.fib30CompiledRaw"},
            {"fib" + ComputeBench.FIB, "ComputeBench.fib30CompiledLimitedMemory"},
            {"matmul" + ComputeBench.MATMUL_N, "ComputeBench.matmul128CompiledRaw"},
            {"matmul" + ComputeBench.MATMUL_N, "ComputeBench.matmul128CompiledLimitedMemory"},
        };
        for (String[] p : pairs) {
            Long ns = nativeNs.get(p[0]);
            Row r = rows.get(p[1] + "/sample");
            if (ns == null || r == null) {
                continue;
            }
            double wasmNs = r.p50() * nanosPer(r.unit());
            out.append("| ").append(p[0]).append(" | ").append(fmt(ns / 1000.0)).append(" us | ")
                    .append(p[1].substring("ComputeBench.".length())).append(" | ")
                    .append(fmt(wasmNs / 1000.0)).append(" us | ")
                    .append(String.format(Locale.ROOT, "%.2fx", wasmNs / ns)).append(" |\n");
        }
    }

    static void goals(StringBuilder out, Map<String, Row> rows) {
        out.append("\n### goals\n\n| goal | measured | met |\n|---|---|---|\n");
        Row fresh = rows.get("InstantiateBench.ubiqFreshIsolate/sample");
        if (fresh != null) {
            double us = fresh.p50() * nanosPer(fresh.unit()) / 1000;
            goal(out, "new isolate p50 ≤ 10 us", fmt(us) + " us", us <= 10);
            for (String raw : List.of("rawInstantiateAndCall", "rawInstantiateAndCallCapped")) {
                Row r = rows.get("InstantiateBench." + raw + "/sample");
                if (r != null) {
                    double over = fresh.p50() / r.p50() - 1;
                    goal(out, "new isolate ≤ 25% over raw Chicory (p50, vs " + raw + ")",
                            String.format(Locale.ROOT, "%+.0f%%", over * 100), over <= 0.25);
                }
            }
        }
        for (String mode : List.of("avgt", "sample")) {
            for (String v : List.of("ubiqPooled", "ubiqPooledNoCpuMetering", "ubiqPooledCpuAlways")) {
                Row u = rows.get("WarmCallBench." + v + "/" + mode);
                Row raw = rows.get("WarmCallBench.rawWriteHandleRead/" + mode);
                if (u != null && raw != null) {
                    double over = (med(u) - med(raw)) * nanosPer(u.unit());
                    goal(out, "warm call ≤ 1 us over raw (" + v + ", " + (mode.equals("avgt") ? "mean" : "p50") + ")",
                            "+" + fmt(over) + " ns", over <= 1000);
                }
            }
        }
        Row hello = rows.get("WasiHelloBench.ubiq/sample");
        if (hello != null) {
            double us = hello.p50() * nanosPer(hello.unit()) / 1000;
            goal(out, "WASI hello p50 ≤ 200 us", fmt(us) + " us", us <= 200);
        }
    }

    static void goal(StringBuilder out, String goal, String measured, boolean met) {
        out.append("| ").append(goal).append(" | ").append(measured).append(" | ")
                .append(met ? "met" : "**not met**").append(" |\n");
    }

    static double nanosPer(String unit) {
        return switch (unit) {
            case "ns/op" -> 1;
            case "us/op" -> 1_000;
            case "ms/op" -> 1_000_000;
            case "s/op" -> 1_000_000_000;
            default -> throw new IllegalArgumentException("unit " + unit);
        };
    }

    static String fmt(double v) {
        if (Double.isNaN(v)) {
            return "n/a";
        }
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 100 ? "%.0f" : a >= 10 ? "%.1f" : "%.2f", v);
    }
}
