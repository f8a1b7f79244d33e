package dev.ubiq.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Concurrent deploys, deletes under load, and failures under load. */
@ExtendWith(NettyLeakCheck.class)
@Timeout(90)
class NodeConcurrencyTest {
    @TempDir
    Path dir;
    TestNode t;
    ExecutorService pool;

    @BeforeEach
    void start() {
        t = TestNode.start(dir);
        pool = Executors.newFixedThreadPool(8);
    }

    @AfterEach
    void stop() throws InterruptedException {
        pool.shutdownNow();
        pool.awaitTermination(10, TimeUnit.SECONDS);
        t.close();
    }

    @Test
    void concurrentDeploysOfOneNameEndWithOneConsistentVersion() throws Exception {
        int threads = 4;
        int each = 3;
        Set<String> shas = ConcurrentHashMap.newKeySet();
        List<Future<List<Integer>>> fs = new ArrayList<>();
        for (int th = 0; th < threads; th++) {
            int id = th;
            fs.add(pool.submit(() -> {
                List<Integer> versions = new ArrayList<>();
                for (int i = 0; i < each; i++) {
                    byte[] m = Guests.withCustomSection(Guests.bytes("hello.wasm"), "t" + id + "-" + i, 8);
                    shas.add(Guests.sha256(m));
                    RawHttp.Response r = t.deploy("same", m);
                    assertEquals(201, r.status(), r.body());
                    versions.add(TestNode.json(r).get("version").asInt());
                }
                return versions;
            }));
        }
        Set<Integer> all = new java.util.TreeSet<>();
        for (Future<List<Integer>> f : fs) {
            all.addAll(f.get(60, TimeUnit.SECONDS));
        }
        assertEquals(threads * each, all.size(), "every deploy got its own version: " + all);
        var d = TestNode.json(t.get("/v1/functions/same", t.admin()));
        int live = d.get("version").asInt();
        assertEquals(threads * each, live);
        Path fdir = dir.resolve("functions/same");
        assertEquals(Integer.toString(live), Files.readString(fdir.resolve("current")).strip());
        byte[] onDisk = Files.readAllBytes(fdir.resolve("v" + live + ".wasm"));
        assertEquals(d.get("sha256").asText(), Guests.sha256(onDisk));
        assertTrue(shas.contains(d.get("sha256").asText()));
        assertTrue(Files.exists(fdir.resolve("v" + live + ".manifest.json")));
        assertEquals(FunctionStoreView.KEEP * 2 + 1, NodePersistenceTest.files(fdir).size(), NodePersistenceTest.files(fdir).toString());
        assertEquals(200, t.invoke("same", "").status());
    }

    @Test
    void twoNamesRacingForOneRouteNeverBothGetIt() throws Exception {
        for (int round = 0; round < 3; round++) {
            String route = "/race" + round;
            List<CompletableFuture<RawHttp.Response>> deploys = new ArrayList<>();
            for (String name : new String[] {"a" + round, "b" + round, "c" + round}) {
                deploys.add(CompletableFuture.supplyAsync(() -> t.deploy(name, Guests.bytes("hello.wasm"), "m.toml",
                        "route = \"" + route + "\"\n"), pool));
            }
            int created = 0;
            for (var f : deploys) {
                RawHttp.Response r = f.get(60, TimeUnit.SECONDS);
                if (r.status() == 201) {
                    created++;
                } else {
                    assertEquals(400, r.status(), r.body());
                    assertTrue(r.body().contains("already served by function"), r.body());
                }
            }
            assertEquals(1, created, "exactly one name may own " + route);
            assertEquals(200, t.call("GET", route, t.invoker(), new byte[0]).status());
        }
    }

    @Test
    void deletingAFunctionLetsItsInFlightCallsFinishNormally() throws Exception {
        assertEquals(201, t.deploy("spin", Guests.bytes("spin_reactor.wasm"), "m.toml", "timeout_ms = 1000\n").status());
        List<CompletableFuture<RawHttp.Response>> calls = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> t.invoke("spin", ""), pool));
        }
        NodeLimitsTest.awaitInFlight(t, "spin", 3);
        assertEquals(204, t.delete("/v1/functions/spin", t.admin()).status());
        for (CompletableFuture<RawHttp.Response> c : calls) {
            RawHttp.Response r = c.get(20, TimeUnit.SECONDS);
            assertEquals(504, r.status(), "an in-flight call ends with its own outcome (timeout): " + r.body());
            assertEquals("timeout", TestNode.json(r).get("error").asText());
        }
        assertEquals(404, t.invoke("spin", "").status());
        assertTrue(Files.notExists(dir.resolve("functions/spin")));
        assertEquals(200, t.get("/healthz", null).status());
    }

    @Test
    void trapsAndTimeoutsUnderLoadKeepTheNodeHealthy() throws Exception {
        assertEquals(201, t.deploy("hello", Guests.bytes("hello.wasm")).status());
        assertEquals(201, t.deploy("trap", Guests.bytes("trap.wasm")).status());
        assertEquals(201, t.deploy("spin", Guests.bytes("spin.wasm"), "m.toml", "timeout_ms = 150\n").status());
        assertEquals(201, t.deploy("echo", Guests.bytes("echo_reactor.wasm")).status());
        int threads = 6;
        int perThread = 12;
        List<Future<Integer>> fs = new ArrayList<>();
        for (int th = 0; th < threads; th++) {
            int id = th;
            fs.add(pool.submit(() -> {
                int helloOk = 0;
                for (int i = 0; i < perThread; i++) {
                    switch ((id + i) % 5) {
                        case 0 -> {
                            RawHttp.Response r = t.invoke("hello", "n" + i);
                            assertEquals(200, r.status(), r.body());
                            assertEquals("hello from wasm\necho: n" + i, r.body());
                            helloOk++;
                        }
                        case 1 -> assertEquals(500, t.invoke("trap", "").status());
                        case 2 -> assertEquals(504, t.invoke("spin", "").status());
                        case 3 -> {
                            RawHttp.Response r = t.invoke("echo", "e" + id);
                            assertEquals(200, r.status(), r.body());
                            assertEquals("echo:e" + id, r.body());
                        }
                        default -> assertEquals(200, t.get("/healthz", null).status());
                    }
                }
                return helloOk;
            }));
        }
        int helloOk = 0;
        for (Future<Integer> f : fs) {
            helloOk += f.get(60, TimeUnit.SECONDS);
        }
        var m = NodeApiTest.parseMetrics(t.get("/metrics", t.invoker()));
        assertEquals((double) helloOk, m.get("ubiq_invocations_total{function=\"hello\",outcome=\"ok\"}"));
        assertEquals(0.0, m.get("ubiq_invocations_in_flight{function=\"spin\"}"));
        assertEquals(200, t.invoke("hello", "after").status());
        assertEquals(200, t.get("/healthz", null).status());
    }

    /** The store's documented retention, read here so the test states it once. */
    static final class FunctionStoreView {
        static final int KEEP = dev.ubiq.node.internal.FunctionStore.KEEP_VERSIONS;
    }
}
