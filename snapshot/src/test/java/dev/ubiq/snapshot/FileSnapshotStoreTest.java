package dev.ubiq.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ubiq.runtime.InvocationResult;
import dev.ubiq.runtime.Manifest;
import dev.ubiq.runtime.Outcome;
import dev.ubiq.runtime.Request;
import dev.ubiq.runtime.UbiqRuntime;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Snapshots persisted in a data dir across runtime restarts, and every way a file can be bad. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FileSnapshotStoreTest {
    @TempDir
    Path dataDir;
    final List<String> log = new CopyOnWriteArrayList<>();

    /** One "node run": a runtime on the data dir that deploys snap_reactor v1 and invokes it once. */
    String run() {
        try (var rt = UbiqRuntime.builder().withSnapshotStore(new FileSnapshotStore(dataDir, log::add)).build()) {
            rt.deploy(Guests.bytes("snap_reactor"), Manifest.builder("snap").withInit("setup").build());
            InvocationResult r = rt.invoke("snap", Request.of("x"));
            assertEquals(Outcome.OK, r.outcome(), r.message());
            return r.outputAsString();
        }
    }

    Path file() {
        return dataDir.resolve("snapshots/snap/v1.snapshot");
    }

    @Test
    void restartForksFromTheSavedFileWithoutInitialisingAgain() throws IOException {
        String first = run();
        assertTrue(Files.isRegularFile(file()));
        FileTime written = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(file(), written);
        byte[] before = Files.readAllBytes(file());
        assertEquals(first, run());
        assertEquals(written, Files.getLastModifiedTime(file()), "the file was not rewritten: no re-initialisation");
        assertEquals(List.of(), log);
        Snapshot s = FileSnapshotStore.read(file());
        assertEquals("snap", s.function());
        assertEquals(before.length, Files.size(file()));
        try (Stream<Path> files = Files.list(file().getParent())) {
            assertEquals(List.of("v1.snapshot"), files.map(p -> p.getFileName().toString()).toList(), "no temp files left");
        }
    }

    @Test
    void corruptedFileIsReportedAndReplaced() throws IOException {
        String first = run();
        try (RandomAccessFile f = new RandomAccessFile(file().toFile(), "rw")) {
            f.seek(f.length() - 5000);
            int b = f.read();
            f.seek(f.length() - 5000);
            f.write(b ^ 0xFF);
        }
        assertEquals(first, run());
        assertEquals(1, log.size(), log.toString());
        assertTrue(log.get(0).contains("section MEMO: checksum mismatch") && log.get(0).contains("initialised again"), log.get(0));
        assertTrue(Files.isRegularFile(file().resolveSibling("v1.snapshot.bad")));
        FileSnapshotStore.read(file()); // the replacement verifies
    }

    @Test
    void truncatedFileIsReportedAndReplaced() throws IOException {
        String first = run();
        try (RandomAccessFile f = new RandomAccessFile(file().toFile(), "rw")) {
            f.setLength(f.length() / 3);
        }
        assertEquals(first, run());
        assertTrue(log.get(0).contains("truncated"), log.toString());
        FileSnapshotStore.read(file());
    }

    @Test
    void versionMismatchIsReportedAndReplaced() throws IOException {
        String first = run();
        Files.write(file(), SnapshotFormatTest.withHeader(Files.readAllBytes(file()), b -> b.putShort(8, (short) 9)));
        assertEquals(first, run());
        assertTrue(log.get(0).contains("snapshot format version 9, this node reads version 1 only"), log.toString());
    }

    @Test
    void snapshotOfAnotherModuleIsNotUsed() throws IOException {
        run();
        // a valid snapshot file, but of fib's module, under snap's name
        try (var rt = UbiqRuntime.builder().withSnapshotStore(new FileSnapshotStore(dataDir.resolve("other"), log::add)).build()) {
            rt.deploy(Guests.bytes("fib"), Manifest.builder("snap").build());
        }
        Files.copy(dataDir.resolve("other/snapshots/snap/v1.snapshot"), file(), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        String out = run();
        assertTrue(out.startsWith("calls=1 setups=1"), out);
        assertTrue(log.get(0).contains("module sha256:"), log.toString());
    }

    @Test
    void failedWriteIsLoggedAndTheFunctionStillRuns() throws IOException {
        // snapshots/snap is a file, so the folder cannot be created: the write fails like a full disk would
        Files.createDirectories(dataDir.resolve("snapshots"));
        Files.writeString(dataDir.resolve("snapshots/snap"), "in the way");
        String out = run();
        assertTrue(out.startsWith("calls=1 setups=1"), out);
        assertTrue(log.stream().anyMatch(l -> l.contains("could not be written")), log.toString());
        assertEquals("in the way", Files.readString(dataDir.resolve("snapshots/snap")));
    }

    @Test
    void undeployDeletesTheFunctionsSnapshots() {
        try (var rt = UbiqRuntime.builder().withSnapshotStore(new FileSnapshotStore(dataDir, log::add)).build()) {
            rt.deploy(Guests.bytes("snap_reactor"), Manifest.builder("snap").withInit("setup").build());
            assertTrue(Files.exists(file()));
            rt.undeploy("snap");
            assertFalse(Files.exists(file().getParent()));
        }
    }

    @Test
    void keepsTheNewestVersionsOnly() {
        var store = new FileSnapshotStore(dataDir, log::add);
        Snapshot s = SnapshotFormat.fromBytes(SnapshotFormat.toBytes(new Snapshot("snap", 1,
                "00".repeat(32), 0, dev.ubiq.runtime.engine.InstanceState.of(null, new int[0], List.of(), new long[0], new int[0][]))));
        for (int v = 1; v <= 5; v++) {
            store.save(new dev.ubiq.runtime.SnapshotStore.Key("snap", v, "00".repeat(32)), s.state());
        }
        assertFalse(Files.exists(dataDir.resolve("snapshots/snap/v2.snapshot")));
        assertTrue(Files.exists(dataDir.resolve("snapshots/snap/v3.snapshot")));
        assertTrue(Files.exists(dataDir.resolve("snapshots/snap/v5.snapshot")));
        ByteBuffer.allocate(1);
    }
}
