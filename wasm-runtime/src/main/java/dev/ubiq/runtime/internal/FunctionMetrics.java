package dev.ubiq.runtime.internal;

import dev.ubiq.runtime.FunctionStats;
import dev.ubiq.runtime.MeteringRecord;
import dev.ubiq.runtime.Outcome;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.ConcurrentHistogram;

/** Per-function aggregates of metering records: counters and an HdrHistogram of wall time. */
public final class FunctionMetrics {
    private final String name;
    private final LongAdder[] outcomes = new LongAdder[Outcome.values().length];
    // 1 ns .. 1 hour at 3 significant digits: about 100 KiB, allocated once per function
    private final ConcurrentHistogram latency = new ConcurrentHistogram(3_600_000_000_000L, 3);
    private final LongAdder bytesIn = new LongAdder();
    private final LongAdder bytesOut = new LongAdder();
    private final LongAdder cpuNs = new LongAdder();
    private final AtomicLong memoryHighWater = new AtomicLong();

    public FunctionMetrics(String name) {
        this.name = name;
        for (int i = 0; i < outcomes.length; i++) {
            outcomes[i] = new LongAdder();
        }
    }

    public void record(MeteringRecord r) {
        outcomes[r.outcome().ordinal()].increment();
        if (r.outcome() != Outcome.BUSY && r.outcome() != Outcome.PAYLOAD_TOO_LARGE) {
            latency.recordValue(Math.max(1, Math.min(r.wallNs(), 3_600_000_000_000L)));
        }
        bytesIn.add(r.bytesIn());
        bytesOut.add(r.bytesOut());
        if (r.cpuNs() > 0) {
            cpuNs.add(r.cpuNs());
        }
        memoryHighWater.accumulateAndGet(r.memoryHighWaterBytes(), Math::max);
    }

    public FunctionStats snapshot(int inFlight, int live, int idle) {
        Map<Outcome, Long> counts = new EnumMap<>(Outcome.class);
        long total = 0;
        for (Outcome o : Outcome.values()) {
            long c = outcomes[o.ordinal()].sum();
            counts.put(o, c);
            total += c;
        }
        var h = latency.copy();
        return new FunctionStats(name, total, Map.copyOf(counts),
                h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(99),
                h.getMaxValue(), inFlight, live, idle, memoryHighWater.get(), bytesIn.sum(),
                bytesOut.sum(), cpuNs.sum());
    }
}
