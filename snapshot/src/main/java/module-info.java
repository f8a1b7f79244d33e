/**
 * Snapshots of pre-initialised instances: {@link dev.ubiq.snapshot.Snapshot} (what callers hold),
 * {@link dev.ubiq.snapshot.SnapshotFormat} (the versioned, checksummed file format and byte
 * serialisation for shipping a snapshot to another node) and {@link
 * dev.ubiq.snapshot.FileSnapshotStore} (the runtime's {@code SnapshotStore} in a node's data dir).
 */
module dev.ubiq.snapshot {
    requires transitive dev.ubiq.runtime;

    exports dev.ubiq.snapshot;
}
