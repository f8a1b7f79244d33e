package dev.ubiq.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.ubiq.runtime.UbiqException.InvalidManifestException;
import dev.ubiq.runtime.UbiqException.InvalidModuleException;
import dev.ubiq.runtime.engine.InstanceState;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Deployed functions pre-initialise once and fork every instance from the snapshot. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SnapshotRuntimeTest {

    /** A store that keeps states in memory: what the runtime hands it and asks back. */
    static final class MapStore implements SnapshotStore {
        final Map<Key, InstanceState> states = new ConcurrentHashMap<>();
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public InstanceState load(Key key) {
            calls.add("load " + key.function() + " v" + key.version());
            return states.get(key);
        }

        @Override
        public void save(Key key, InstanceState state) {
            calls.add("save " + key.function() + " v" + key.version());
            states.put(key, state);
        }

        @Override
        public void deleteAll(String function) {
            calls.add("delete " + function);
            states.keySet().removeIf(k -> k.function().equals(function));
        }
    }

    static Manifest snapManifest(String name) {
        return Manifest.builder(name).withInit("setup").build();
    }

    @Test
    void manifestInitRunsOnceAndEveryInvocationSeesTheSameState() {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy(Guests.bytes("snap_reactor"), snapManifest("snap"));
            String first = rt.invoke("snap", Request.of("x")).outputAsString();
            assertTrue(first.startsWith("calls=1 setups=1 sum="), first);
            for (int i = 0; i < 5; i++) {
                assertEquals(first, rt.invoke("snap", Request.of("x")).outputAsString());
            }
        }
    }

    @Test
    void resetAfterGrowthGivesTheNextCallerTheSnapshot() {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy(Guests.bytes("snap_reactor"), snapManifest("snap"));
            String first = rt.invoke("snap", Request.of("x")).outputAsString();
            InvocationResult grown = rt.invoke("snap", Request.of("grow"));
            assertEquals(Outcome.OK, grown.outcome(), grown.message());
            assertTrue(grown.metering().memoryHighWaterBytes() > 4L << 20);
            assertEquals(first, rt.invoke("snap", Request.of("x")).outputAsString());
        }
    }

    @Test
    void optingOutKeepsInitPerInstanceAndStatePerInstance() {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy(Guests.bytes("snap_reactor"),
                    Manifest.builder("snap").withInit("setup").withSnapshot(false).build());
            String a = rt.invoke("snap", Request.of("x")).outputAsString();
            String b = rt.invoke("snap", Request.of("x")).outputAsString();
            assertTrue(a.startsWith("calls=1 setups=1"), a);
            assertTrue(b.startsWith("calls=2 setups=1"), "the pooled instance keeps its state: " + b);
        }
    }

    @Test
    void concurrentInvocationsNeverSeeEachOthersWrites() throws Exception {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy(Guests.bytes("snap_reactor"), Manifest.builder("snap").withInit("setup").withMaxConcurrency(8).build());
            String expected = rt.invoke("snap", Request.of("x")).outputAsString();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<Set<String>>> fs = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    fs.add(pool.submit(() -> {
                        Set<String> seen = new HashSet<>();
                        for (int k = 0; k < 30; k++) {
                            InvocationResult r = rt.invoke("snap", Request.of(k % 5 == 0 ? "grow" : "x"));
                            assertEquals(Outcome.OK, r.outcome(), r.message());
                            seen.add(r.outputAsString());
                        }
                        return seen;
                    }));
                }
                for (var f : fs) {
                    assertEquals(Set.of(expected), f.get(60, TimeUnit.SECONDS));
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void heavyInitRunsAtDeployNotPerInstance() {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy(Guests.bytes("heavy_init"), Manifest.builder("heavy").withReuseInstances(false).build());
            String r = rt.invoke("heavy", Request.of("12345")).outputAsString();
            assertTrue(r.endsWith(" ready=1"), r);
            assertEquals(r, rt.invoke("heavy", Request.of("12345")).outputAsString());
        }
    }

    @Test
    void wasiCommandIsPreinitialisedThroughWizerInitialize() {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy("wiz", Guests.bytes("wizer_command"));
            for (int i = 0; i < 3; i++) {
                String o = rt.invoke("wiz", Request.empty()).outputAsString();
                assertTrue(o.startsWith("preinit=1 "), o);
                assertTrue(o.endsWith("calls=1\n"), "each call starts from the snapshot: " + o);
            }
        }
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy(Guests.bytes("wizer_command"), Manifest.builder("wiz").withSnapshot(false).build());
            String o = rt.invoke("wiz", Request.empty()).outputAsString();
            assertTrue(o.startsWith("preinit=0 "), "without a snapshot main initialises: " + o);
        }
    }

    @Test
    void plainCommandsStillWorkFromASnapshot() {
        try (var rt = UbiqRuntime.builder().build()) {
            rt.deploy("hello", Guests.bytes("hello"));
            InvocationResult r = rt.invoke("hello", Request.of("world"));
            assertEquals(Outcome.OK, r.outcome(), r.message());
            assertEquals(r.outputAsString(), rt.invoke("hello", Request.of("world")).outputAsString());
        }
    }

    @Test
    void storeIsAskedFirstAndGivenWhatWasCaptured() {
        MapStore store = new MapStore();
        try (var rt = UbiqRuntime.builder().withSnapshotStore(store).build()) {
            rt.deploy(Guests.bytes("snap_reactor"), snapManifest("snap"));
            assertEquals(List.of("load snap v1", "save snap v1"), store.calls);
            assertEquals(1, store.states.size());
        }
        // a second runtime (a restarted node) forks from the stored state and saves nothing
        store.calls.clear();
        try (var rt = UbiqRuntime.builder().withSnapshotStore(store).build()) {
            rt.deploy(Guests.bytes("snap_reactor"), snapManifest("snap"));
            assertEquals(List.of("load snap v1"), store.calls);
            assertTrue(rt.invoke("snap", Request.of("x")).outputAsString().startsWith("calls=1 setups=1"));
            rt.undeploy("snap");
            assertEquals("delete snap", store.calls.getLast());
            assertTrue(store.states.isEmpty());
        }
    }

    @Test
    void aStoredStateThatDoesNotFitIsReplaced() {
        MapStore store = new MapStore();
        List<String> log = new CopyOnWriteArrayList<>();
        try (var rt = UbiqRuntime.builder().withSnapshotStore(store).build()) {
            rt.deploy(Guests.bytes("snap_reactor"), snapManifest("snap"));
        }
        // the same key now holds a state of another module (as a bad file might)
        SnapshotStore.Key key = store.states.keySet().iterator().next();
        InstanceState foreign;
        try (var rt = UbiqRuntime.builder().withSnapshotStore(new MapStore()).build()) {
            MapStore other = new MapStore();
            try (var rt2 = UbiqRuntime.builder().withSnapshotStore(other).build()) {
                rt2.deploy("fib", Guests.bytes("fib"));
            }
            foreign = other.states.values().iterator().next();
        }
        store.states.put(key, foreign);
        try (var rt = UbiqRuntime.builder().withSnapshotStore(store).withLogSink(log::add).build()) {
            rt.deploy(Guests.bytes("snap_reactor"), snapManifest("snap"));
            assertTrue(log.stream().anyMatch(l -> l.contains("cannot be used") && l.contains("initialising again")), log.toString());
            assertTrue(rt.invoke("snap", Request.of("x")).outputAsString().startsWith("calls=1 setups=1"));
            assertNotEquals(foreign, store.states.get(key), "the bad state was replaced");
        }
    }

    @Test
    void unknownInitExportIsRefusedAtDeploy() {
        try (var rt = UbiqRuntime.builder().build()) {
            var e = assertThrows(InvalidModuleException.class,
                    () -> rt.deploy(Guests.bytes("snap_reactor"), Manifest.builder("snap").withInit("nope").build()));
            assertTrue(e.getMessage().contains("'nope'"), e.getMessage());
            assertThrows(UbiqException.FunctionNotFoundException.class, () -> rt.stats("snap"));
        }
    }

    @Test
    void manifestKeysParse() {
        Manifest m = Manifest.parseToml("""
                name = "s"
                init = "setup"
                snapshot = false
                """);
        assertEquals("setup", m.init());
        assertEquals(false, m.snapshot());
        Manifest back = Manifest.parseJson(m.toJson());
        assertEquals("setup", back.init());
        assertEquals(false, back.snapshot());
        assertThrows(InvalidManifestException.class, () -> Manifest.parseToml("name = \"s\"\nsnapshot = \"no\""));
        assertThrows(InvalidManifestException.class, () -> Manifest.parseToml("name = \"s\"\ninit = \"\""));
        assertNotNull(Manifest.parseToml("name = \"s\"").toJson());
    }
}
