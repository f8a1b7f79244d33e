package dev.ubiq.snapshot;

import dev.ubiq.runtime.engine.InstanceState;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A pre-initialised instance of one function version: the captured {@link InstanceState} plus
 * what identifies it. Immutable and safe to share between threads; forking from it never changes
 * it.
 *
 * <pre>{@code
 * Snapshot s = new Snapshot("thumb", 4, info.sha256(), System.currentTimeMillis(), instance.captureState());
 * byte[] wire = SnapshotFormat.toBytes(s);              // ship it to another node (remote fork)
 * Snapshot back = SnapshotFormat.fromBytes(wire);       // verified: CorruptSnapshotException if not
 * EngineInstance i = compiled.fork(back.state(), spec);
 * }</pre>
 *
 * @param function the function's name
 * @param version the deployed version it was captured from
 * @param moduleSha256 hex SHA-256 of the module binary; a snapshot only fits that exact module
 * @param createdEpochMs when it was captured
 * @param state the instance state
 */
public record Snapshot(String function, int version, String moduleSha256, long createdEpochMs, InstanceState state) {
    public Snapshot {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(state, "state");
        if (function.isEmpty() || function.length() > 255) {
            throw new IllegalArgumentException("function name must be 1 to 255 characters: '" + function + "'");
        }
        if (moduleSha256 == null || moduleSha256.length() != 64) {
            throw new IllegalArgumentException("moduleSha256 must be 64 hex digits: " + moduleSha256);
        }
        HexFormat.of().parseHex(moduleSha256);
    }

    /**
     * What the snapshot holds, one fact per line, for {@code ubiq snapshot inspect}: the function,
     * the module digest, memory (pages, non-zero pages stored), globals with their values, tables.
     */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append("function   ").append(function).append(" v").append(version).append('\n');
        b.append("module     sha256:").append(moduleSha256).append('\n');
        b.append("created    ").append(java.time.Instant.ofEpochMilli(createdEpochMs)).append('\n');
        if (state.hasMemory()) {
            b.append("memory     ").append(state.memoryPages()).append(" pages (")
                    .append((long) state.memoryPages() * InstanceState.PAGE_SIZE).append(" bytes), ")
                    .append(state.nonZeroChunks()).append(" non-zero 4 KiB chunks stored (")
                    .append((long) state.nonZeroChunks() * InstanceState.CHUNK_SIZE).append(" bytes)\n");
        } else {
            b.append("memory     none\n");
        }
        b.append("globals    ").append(state.globalTypes().size()).append('\n');
        for (int i = 0; i < state.globalTypes().size(); i++) {
            var t = state.globalTypes().get(i);
            b.append("  [").append(i).append("] ").append(t.name().toLowerCase(java.util.Locale.ROOT)).append(" = ");
            switch (t) {
                case I32 -> b.append((int) state.globalLow(i));
                case F32 -> b.append(Float.intBitsToFloat((int) state.globalLow(i)));
                case F64 -> b.append(Double.longBitsToDouble(state.globalLow(i)));
                case V128 -> b.append(String.format("0x%016x%016x", state.globalHigh(i), state.globalLow(i)));
                default -> b.append(state.globalLow(i));
            }
            b.append('\n');
        }
        b.append("tables     ").append(state.tableCount()).append('\n');
        for (int t = 0; t < state.tableCount(); t++) {
            int[] refs = state.unsafeTable(t);
            long set = java.util.Arrays.stream(refs).filter(r -> r != -1).count();
            b.append("  [").append(t).append("] ").append(refs.length).append(" elements, ").append(set).append(" set\n");
        }
        int[] dropped = state.droppedDataSegments();
        if (dropped.length > 0) {
            b.append("dropped    data segments ").append(java.util.Arrays.toString(dropped)).append('\n');
        }
        return b.toString();
    }
}
