package dev.ubiq.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ubiq.runtime.InvocationResult;
import dev.ubiq.runtime.Manifest;
import dev.ubiq.runtime.Outcome;
import dev.ubiq.runtime.Request;
import dev.ubiq.runtime.SnapshotStore;
import dev.ubiq.runtime.UbiqRuntime;
import dev.ubiq.runtime.engine.InstanceState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Remote fork: a snapshot serialised to bytes in this JVM is restored in a second JVM (a child
 * process on the test class path), which answers exactly as a fork here does, without running the
 * function's init.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class RemoteForkTest {
    @TempDir
    Path dir;

    @Test
    void snapshotBytesForkInAnotherJvm() throws Exception {
        AtomicReference<Snapshot> captured = new AtomicReference<>();
        String here;
        String heavyHere;
        try (var rt = UbiqRuntime.builder().withSnapshotStore(capturing(captured)).build()) {
            rt.deploy(Guests.bytes("snap_reactor"), Manifest.builder("snap").withInit("setup").build());
            here = rt.invoke("snap", Request.of("x")).outputAsString();
        }
        Files.write(dir.resolve("snap.bin"), SnapshotFormat.toBytes(captured.get()));
        try (var rt = UbiqRuntime.builder().withSnapshotStore(capturing(captured)).build()) {
            rt.deploy(Guests.bytes("heavy_init"), Manifest.builder("heavy").build());
            heavyHere = rt.invoke("heavy", Request.of("777")).outputAsString();
        }
        Files.write(dir.resolve("heavy.bin"), SnapshotFormat.toBytes(captured.get()));

        String java = ProcessHandle.current().info().command().orElse("java");
        Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                "-Dubiq.root=" + System.getProperty("ubiq.root", ".."), Child.class.getName(),
                dir.resolve("snap.bin").toString(), dir.resolve("heavy.bin").toString())
                .redirectErrorStream(true)
                .start();
        assertTrue(p.waitFor(150, TimeUnit.SECONDS), "child JVM did not finish");
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().filter(l -> l.startsWith("result ")).toList();
        assertEquals(List.of("result " + here, "result " + heavyHere), lines, out);
        assertTrue(here.startsWith("calls=1 setups=1"), here);
        assertTrue(heavyHere.endsWith("ready=1"), heavyHere);
    }

    static SnapshotStore capturing(AtomicReference<Snapshot> into) {
        return new SnapshotStore() {
            @Override
            public InstanceState load(Key key) {
                return null;
            }

            @Override
            public void save(Key key, InstanceState state) {
                into.set(new Snapshot(key.function(), key.version(), key.moduleSha256(), System.currentTimeMillis(), state));
            }

            @Override
            public void deleteAll(String function) {}
        };
    }

    /** The other JVM: deploys each module from its received snapshot and prints one invocation's output. */
    public static final class Child {
        public static void main(String[] args) throws IOException {
            String[][] jobs = {{"snap_reactor", "x"}, {"heavy_init", "777"}};
            for (int k = 0; k < 2; k++) {
                Snapshot s = SnapshotFormat.fromBytes(Files.readAllBytes(Path.of(args[k])));
                try (var rt = UbiqRuntime.builder().withSnapshotStore(SnapshotFormatTest.fixed(s)).build()) {
                    Manifest.Builder m = Manifest.builder(s.function());
                    if (k == 0) {
                        m.withInit("setup");
                    }
                    rt.deploy(Guests.bytes(jobs[k][0]), m.build());
                    InvocationResult r = rt.invoke(s.function(), Request.of(jobs[k][1]));
                    if (r.outcome() != Outcome.OK) {
                        System.out.println("failed " + r.message());
                        System.exit(2);
                    }
                    System.out.println("result " + r.outputAsString());
                }
            }
        }
    }
}
