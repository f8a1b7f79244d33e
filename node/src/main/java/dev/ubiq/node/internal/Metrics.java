package dev.ubiq.node.internal;

import dev.ubiq.runtime.DeployedFunction;
import dev.ubiq.runtime.FunctionStats;
import dev.ubiq.runtime.Outcome;
import dev.ubiq.runtime.engine.EngineStats;
import java.util.Locale;

/** Renders the node's metrics in the Prometheus text exposition format (version 0.0.4). */
final class Metrics {
    private Metrics() {}

    static String render(NodeState node) {
        StringBuilder b = new StringBuilder(4096);
        var fns = node.runtime.functions();
        header(b, "ubiq_invocations_total", "counter", "Invocations by function and outcome.");
        for (DeployedFunction d : fns) {
            FunctionStats s = node.runtime.registry().stats(d.name());
            if (s == null) {
                continue;
            }
            for (Outcome o : Outcome.values()) {
                b.append("ubiq_invocations_total{function=\"").append(d.name()).append("\",outcome=\"")
                        .append(o.name().toLowerCase(Locale.ROOT)).append("\"} ").append(s.outcomes().get(o)).append('\n');
            }
        }
        header(b, "ubiq_invocation_duration_seconds", "summary", "Wall time of admitted invocations (HdrHistogram).");
        for (DeployedFunction d : fns) {
            FunctionStats s = node.runtime.registry().stats(d.name());
            if (s == null) {
                continue;
            }
            quantile(b, d.name(), "0.5", s.latencyP50Ns());
            quantile(b, d.name(), "0.9", s.latencyP90Ns());
            quantile(b, d.name(), "0.99", s.latencyP99Ns());
            quantile(b, d.name(), "1", s.latencyMaxNs());
        }
        gauge(b, node, "ubiq_instances_live", "Instances that exist (running or idle).", FunctionStats::liveInstances);
        gauge(b, node, "ubiq_instances_idle", "Pooled instances ready for the next call.", FunctionStats::idleInstances);
        gauge(b, node, "ubiq_invocations_in_flight", "Invocations running now.", FunctionStats::inFlight);
        gauge(b, node, "ubiq_memory_high_water_bytes", "Largest linear memory an instance reached.", FunctionStats::memoryHighWaterBytes);
        gauge(b, node, "ubiq_bytes_in_total", "Request bytes received.", FunctionStats::bytesIn);
        gauge(b, node, "ubiq_bytes_out_total", "Response bytes sent.", FunctionStats::bytesOut);
        gauge(b, node, "ubiq_cpu_seconds_total", "CPU time measured on invoking threads.", s -> s.cpuNs() / 1e9);
        gauge(b, node, "ubiq_function_version", "Deployed version.", null);

        header(b, "ubiq_functions", "gauge", "Deployed functions.");
        b.append("ubiq_functions ").append(fns.size()).append('\n');
        header(b, "ubiq_node_rejected_total", "counter", "Invocations refused because the node was at capacity (503).");
        b.append("ubiq_node_rejected_total ").append(node.rejected.sum()).append('\n');
        header(b, "ubiq_http_requests_total", "counter", "HTTP requests handled.");
        b.append("ubiq_http_requests_total ").append(node.httpRequests.sum()).append('\n');
        EngineStats e = node.runtime.engine().stats();
        header(b, "ubiq_engine_compilations_total", "counter", "Modules compiled to JVM bytecode.");
        b.append("ubiq_engine_compilations_total ").append(e.compilations()).append('\n');
        header(b, "ubiq_engine_cache_hits_total", "counter", "Modules whose compiled code came from the disk cache.");
        b.append("ubiq_engine_cache_hits_total ").append(e.cacheHits()).append('\n');
        header(b, "ubiq_engine_interpreter_fallbacks_total", "counter", "Modules with functions left to the interpreter.");
        b.append("ubiq_engine_interpreter_fallbacks_total ").append(e.interpreterFallbacks()).append('\n');
        Runtime rt = Runtime.getRuntime();
        header(b, "ubiq_jvm_heap_used_bytes", "gauge", "JVM heap in use (linear memories live there).");
        b.append("ubiq_jvm_heap_used_bytes ").append(rt.totalMemory() - rt.freeMemory()).append('\n');
        header(b, "ubiq_jvm_heap_max_bytes", "gauge", "JVM heap limit.");
        b.append("ubiq_jvm_heap_max_bytes ").append(rt.maxMemory()).append('\n');
        header(b, "ubiq_uptime_seconds", "gauge", "Seconds since the node started.");
        b.append("ubiq_uptime_seconds ").append((System.nanoTime() - node.startedAtNs) / 1_000_000_000L).append('\n');
        return b.toString();
    }

    private static void header(StringBuilder b, String name, String type, String help) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void quantile(StringBuilder b, String fn, String q, long ns) {
        b.append("ubiq_invocation_duration_seconds{function=\"").append(fn).append("\",quantile=\"").append(q)
                .append("\"} ").append(String.format(Locale.ROOT, "%.9f", ns / 1e9)).append('\n');
    }

    private static void gauge(StringBuilder b, NodeState node, String name, String help,
            java.util.function.ToDoubleFunction<FunctionStats> f) {
        boolean counter = name.endsWith("_total");
        header(b, name, counter ? "counter" : "gauge", help);
        for (DeployedFunction d : node.runtime.functions()) {
            double v;
            if (f == null) {
                v = d.version();
            } else {
                FunctionStats s = node.runtime.registry().stats(d.name());
                if (s == null) {
                    continue;
                }
                v = f.applyAsDouble(s);
            }
            b.append(name).append("{function=\"").append(d.name()).append("\"} ");
            if (v == Math.rint(v) && Math.abs(v) < 1e15) {
                b.append((long) v);
            } else {
                b.append(String.format(Locale.ROOT, "%.9f", v));
            }
            b.append('\n');
        }
    }
}
