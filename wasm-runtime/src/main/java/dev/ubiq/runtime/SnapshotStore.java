package dev.ubiq.runtime;

import dev.ubiq.runtime.engine.InstanceState;

/**
 * Where pre-initialised snapshots of deployed functions persist, so a restarted node forks from
 * the state it captured before instead of running every function's init again. The runtime owns
 * this interface; the {@code snapshot} module provides the file-backed implementation a node uses
 * ({@code dev.ubiq.snapshot.FileSnapshotStore}). Without a store the runtime still pre-initialises
 * and forks, keeping the snapshot in memory only.
 *
 * <pre>{@code
 * UbiqRuntime rt = UbiqRuntime.builder()
 *         .withSnapshotStore(new FileSnapshotStore(dataDir, log))
 *         .build();
 * }</pre>
 *
 * <p>Implementations must be thread-safe, and must never hand back a state they could not verify:
 * a missing, truncated, corrupted or foreign snapshot is {@code null} (and reported through the
 * store's own log), after which the runtime initialises the function again and saves a new one.
 */
public interface SnapshotStore {
    /**
     * Identifies one snapshot: the function version and the exact module it was captured from.
     *
     * @param function function name
     * @param version deployed version
     * @param moduleSha256 hex SHA-256 of the module binary
     */
    record Key(String function, int version, String moduleSha256) {}

    /** The saved state for {@code key}, or {@code null} when there is none that can be trusted. */
    InstanceState load(Key key);

    /** Saves (replaces) the state for {@code key}; failures are reported by the store, never thrown. */
    void save(Key key, InstanceState state);

    /** Forgets every snapshot of {@code function} (it was undeployed). */
    void deleteAll(String function);
}
