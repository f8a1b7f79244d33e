package dev.ubiq.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A deploy that does not fit on the data dir's file system: 507, and the old version stays, whole. */
@ExtendWith(NettyLeakCheck.class)
@Timeout(60)
class NodeFullDiskTest {
    @TempDir
    Path dir;
    Path mnt;
    TestNode t;

    static String run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return "timed out";
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        return p.exitValue() == 0 ? null : "exit " + p.exitValue() + ": " + out;
    }

    @BeforeEach
    void mountSmallTmpfs() throws Exception {
        mnt = Files.createDirectories(dir.resolve("small"));
        String failure;
        try {
            failure = run("mount", "-t", "tmpfs", "-o", "size=512k", "tmpfs", mnt.toString());
        } catch (IOException e) {
            failure = e.getMessage();
        }
        Assumptions.assumeTrue(failure == null, "skipped: cannot mount a 512 KiB tmpfs for the data dir (needs root "
                + "or CAP_SYS_ADMIN): " + failure);
    }

    @AfterEach
    void unmount() throws Exception {
        if (t != null) {
            t.close();
        }
        String failure = run("umount", mnt.toString());
        if (failure != null) {
            throw new IllegalStateException("could not unmount " + mnt + ": " + failure);
        }
    }

    @Test
    void deployLargerThanTheFreeSpaceGets507AndLeavesTheOldVersionWhole() throws Exception {
        t = TestNode.start(mnt);
        assertEquals(201, t.deploy("f", Guests.bytes("trivial_reactor.wasm")).status());
        long free = Files.getFileStore(mnt).getUsableSpace();
        byte[] big = Guests.withCustomSection(Guests.bytes("trivial_reactor.wasm"), "pad", (int) free + (64 << 10));
        RawHttp.Response r = t.deploy("f", big);
        assertEquals(507, r.status(), r.body());
        var j = TestNode.json(r);
        assertEquals("storage", j.get("error").asText());
        String msg = j.get("message").asText();
        assertTrue(msg.contains("function 'f'") && msg.contains("could not store version 2")
                && msg.contains("the previous version is unchanged"), msg);
        // the old version is live, current on disk, and nothing of the new one is left
        RawHttp.Response inv = t.invoke("f", "still here");
        assertEquals(200, inv.status(), inv.body());
        assertEquals("still here", inv.body());
        assertEquals("1", inv.header("Ubiq-Version"));
        Path fdir = mnt.resolve("functions/f");
        assertEquals("1", Files.readString(fdir.resolve("current")).strip());
        assertEquals(List.of("current", "v1.manifest.json", "v1.wasm"), NodePersistenceTest.files(fdir));
        try (Stream<Path> all = Files.walk(mnt)) {
            List<Path> tmp = all.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
            assertEquals(List.of(), tmp, "temp files left on the full disk");
        }
        // once there is room again, deploys work (the failed number is not reused)
        RawHttp.Response ok = t.deploy("f", Guests.bytes("trivial_reactor.wasm"));
        assertEquals(201, ok.status(), ok.body());
        assertTrue(TestNode.json(ok).get("version").asInt() >= 2);
        assertEquals(200, t.get("/healthz", null).status());
    }
}
