package dev.ubiq.node.internal;

import dev.ubiq.node.NodeConfig;
import dev.ubiq.runtime.DeployedFunction;
import dev.ubiq.runtime.FunctionRegistry;
import dev.ubiq.runtime.Manifest;
import dev.ubiq.runtime.UbiqException;
import dev.ubiq.runtime.UbiqRuntime;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * What the HTTP handlers share: the runtime, the data directory, tokens, log rings, routes, the
 * invocation executor and node-wide counters. Deploys and deletes of one name are serialised, so
 * the {@code current} pointer on disk and the live version always agree.
 */
public final class NodeState {
    final NodeConfig config;
    final UbiqRuntime runtime;
    final FunctionStore store;
    final Tokens tokens;
    final InvokerPool invokers;
    final ExecutorService admin;
    final Consumer<String> log;
    final long startedAtNs = System.nanoTime();
    final LongAdder rejected = new LongAdder();
    final LongAdder httpRequests = new LongAdder();
    private final Map<String, LogRing> logs = new ConcurrentHashMap<>();
    private final Map<String, ReentrantLock> nameLocks = new ConcurrentHashMap<>();
    private final Map<String, String> routes = new ConcurrentHashMap<>();

    public NodeState(NodeConfig config, UbiqRuntime runtime, FunctionStore store, Tokens tokens,
            InvokerPool invokers, ExecutorService admin, Consumer<String> log) {
        this.config = config;
        this.runtime = runtime;
        this.store = store;
        this.tokens = tokens;
        this.invokers = invokers;
        this.admin = admin;
        this.log = log;
    }

    LogRing logRing(String name) {
        return logs.computeIfAbsent(name, k -> new LogRing(config.logLinesPerFunction()));
    }

    /** Keeps an invocation's log (and its failure, if any) in its function's log ring. */
    public void record(dev.ubiq.runtime.InvocationResult r) {
        if (r.metering() == null) {
            return;
        }
        long id = r.metering().invocationId();
        LogRing ring = logRing(r.metering().function());
        ring.append(id, r.log());
        if (r.outcome() != dev.ubiq.runtime.Outcome.OK) {
            ring.note(id, r.outcome() + ": " + r.message());
        }
    }

    /** Thrown when persisting a deploy fails: the function was not changed. */
    public static final class StorageException extends UbiqException {
        StorageException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * Validates and compiles, writes the module and manifest, moves the {@code current} pointer,
     * and only then makes the version live. Any failure leaves the previous version both live and
     * current on disk.
     */
    public DeployedFunction deploy(String name, byte[] wasm, Manifest manifest) {
        Manifest named = manifest.withName(name);
        ReentrantLock lock = nameLocks.computeIfAbsent(name, k -> new ReentrantLock());
        lock.lock();
        boolean reserved = false;
        boolean committed = false;
        try {
            reserved = reserveRoute(name, named.route());
            FunctionRegistry reg = runtime.registry();
            // a name on disk but not live (skipped at start as damaged) must not reuse its stored
            // version numbers: makeCurrent prunes the lowest, which would be the one just written
            int next = 0;
            if (reg.describe(name) == null) {
                var stored = store.versions(name);
                next = stored.isEmpty() ? 0 : stored.getLast() + 1;
            }
            FunctionRegistry.Prepared p = reg.prepare(wasm, named, next);
            int v = p.info().version();
            try {
                store.writeVersion(name, v, wasm, named.toJson());
                store.makeCurrent(name, v);
            } catch (IOException | RuntimeException e) {
                reg.abort(p);
                store.discardVersion(name, v);
                throw new StorageException("function '" + name + "': could not store version " + v + " in "
                        + store.root() + ": " + e.getMessage() + "; the previous version is unchanged", e);
            }
            DeployedFunction d = reg.commit(p);
            committed = true;
            updateRoute(name, named.route());
            return d;
        } finally {
            if (reserved && !committed) {
                routes.remove(named.route(), name);
            }
            lock.unlock();
        }
    }

    /** Brings back a stored version after a restart. */
    public DeployedFunction restore(FunctionStore.Stored s) {
        Manifest m = Manifest.parseJson(s.manifestJson()).withName(s.name());
        FunctionRegistry reg = runtime.registry();
        DeployedFunction d = reg.commit(reg.prepare(s.wasm(), m, s.version()));
        updateRoute(s.name(), m.route());
        return d;
    }

    /** Removes a function from disk and from the runtime; in-flight calls finish. */
    public void delete(String name) throws IOException {
        ReentrantLock lock = nameLocks.computeIfAbsent(name, k -> new ReentrantLock());
        lock.lock();
        try {
            if (runtime.registry().describe(name) == null) {
                throw new UbiqException.FunctionNotFoundException(name);
            }
            store.delete(name);
            runtime.undeploy(name);
            updateRoute(name, null);
            logs.remove(name);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Claims {@code route} for {@code name} atomically, so two names deployed at once cannot both
     * get it. Returns whether this call added the claim (to be undone if the deploy fails).
     */
    private boolean reserveRoute(String name, String route) {
        if (route == null) {
            return false;
        }
        String owner = routes.putIfAbsent(route, name);
        if (owner != null && !owner.equals(name)) {
            throw new UbiqException.InvalidManifestException("route '" + route + "' is already served by function '"
                    + owner + "'");
        }
        return owner == null;
    }

    private void updateRoute(String name, String route) {
        routes.entrySet().removeIf(e -> e.getValue().equals(name) && !e.getKey().equals(route));
        if (route != null) {
            routes.put(route, name);
        }
    }

    /** The function serving {@code path} (longest matching route), and the route, or null. */
    String[] routeFor(String path) {
        String best = null;
        for (String r : routes.keySet()) {
            if ((path.equals(r) || path.startsWith(r + "/")) && (best == null || r.length() > best.length())) {
                best = r;
            }
        }
        return best == null ? null : new String[] {routes.get(best), best};
    }
}
