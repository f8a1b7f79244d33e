package dev.ubiq.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A node keeps pre-initialised snapshots in its data dir and forks from them after a restart. */
@ExtendWith(NettyLeakCheck.class)
@Timeout(90)
class NodeSnapshotTest {
    @TempDir
    Path dir;

    Path file() {
        return dir.resolve("snapshots/snap/v1.snapshot");
    }

    String deployAndCall() {
        try (TestNode t = TestNode.start(dir)) {
            if (TestNode.json(t.get("/v1/functions", t.admin())).get("functions").isEmpty()) {
                RawHttp.Response d = t.deploy("snap", Guests.bytes("snap_reactor.wasm"), "m.toml", "init = \"setup\"\n");
                assertEquals(201, d.status(), d.body());
            }
            RawHttp.Response r = t.invoke("snap", "x");
            assertEquals(200, r.status(), r.body());
            assertFalse(t.logText().contains("snapshot"), t.logText());
            return r.body();
        }
    }

    @Test
    void restartedNodeForksFromTheSnapshotOnDisk() throws IOException {
        String first = deployAndCall();
        assertTrue(first.startsWith("calls=1 setups=1"), first);
        assertTrue(Files.isRegularFile(file()));
        FileTime stamp = FileTime.fromMillis(1_000_000_000_000L);
        Files.setLastModifiedTime(file(), stamp);
        assertEquals(first, deployAndCall());
        assertEquals(stamp, Files.getLastModifiedTime(file()), "restored from the file, not initialised again");
    }

    @Test
    void corruptedSnapshotIsReportedAndTheFunctionInitialisedAgain() throws IOException {
        String first = deployAndCall();
        try (RandomAccessFile f = new RandomAccessFile(file().toFile(), "rw")) {
            f.seek(100);
            f.write(0x55);
        }
        try (TestNode t = TestNode.start(dir)) {
            RawHttp.Response r = t.invoke("snap", "x");
            assertEquals(200, r.status(), r.body());
            assertEquals(first, r.body());
            assertTrue(t.logText().contains("checksum mismatch") && t.logText().contains("initialised again"), t.logText());
        }
        assertTrue(Files.exists(file().resolveSibling("v1.snapshot.bad")));
    }

    @Test
    void deletingTheFunctionDeletesItsSnapshots() {
        deployAndCall();
        try (TestNode t = TestNode.start(dir)) {
            assertEquals(204, t.delete("/v1/functions/snap", t.admin()).status());
        }
        assertFalse(Files.exists(file()));
    }
}
