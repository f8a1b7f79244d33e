package dev.ubiq.node.internal;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jctools.queues.atomic.MpmcAtomicArrayQueue;

/**
 * The node's invocation executor: at most {@code maxThreads} tasks admitted at once, each run on
 * a platform thread of its own, never on a Netty event loop. A task beyond that is refused at once
 * ({@link #execute} returns false: the caller answers 503); nothing waits in an unbounded queue.
 *
 * <p>Why not a {@code ThreadPoolExecutor} over a {@code SynchronousQueue}: that hands every task
 * to a parked thread, so each request costs a futex wake-up, two context switches and a park,
 * which on a 2-core VM was the largest single cost of an invocation over HTTP. Here an admitted
 * task goes into a bounded lock-free queue (JCTools MPMC, as large as the admission limit, so an
 * offer cannot fail), and a thread is woken only when no worker is awake and looking for work.
 * Under load a worker that finishes takes the next task straight from the queue.
 *
 * <pre>
 *   execute ─► admitted (≤ maxThreads) ─► tasks (bounded MPMC) ─► searching worker runs it
 *                  │ full                       ▲                   │ the last searcher took a
 *                  ▼                            │                   │ task and more are queued:
 *               false (503)            wake a parked worker ◄───────┘ wake one more (or start one)
 * </pre>
 *
 * <p>The invariant that keeps a task from waiting behind a slow one: while the queue holds a
 * task, some worker is searching or is being woken. A submit that sees no searcher wakes one; the
 * last searcher to take a task wakes another when tasks remain; a worker that gives up searching
 * re-checks the queue after it has parked itself and wakes one if it is not empty. (Waking one
 * per queued task instead, so none can wait behind a searcher the OS has descheduled, cost about
 * 9 µs more CPU per request on the 2-core benchmark machine for no better tail: see
 * docs/benchmarks.md.) Workers that find no task spin briefly
 * (at most one at a time, so an idle pool burns no CPU) and then park.
 *
 * <pre>{@code
 * InvokerPool pool = new InvokerPool(64, "ubiq-invoke-", err -> log(err));
 * boolean admitted = pool.execute(() -> {
 *     InvocationResult r = runtime.invoke(name, request);  // counts against the 64
 *     return () -> answer(r);                               // runs after its place is free
 * });
 * if (!admitted) {
 *     answer503();
 * }
 * pool.close(); // lets running tasks finish; refuses new ones
 * }</pre>
 */
public final class InvokerPool implements AutoCloseable {
    /**
     * Polls of the empty queue by the one spinning worker before it parks: default 256 (a few µs
     * of one core, spent only when the queue runs empty); system property
     * {@code ubiq.invoker.spins}, 0 parks at once (measured: no better on 2 cores).
     */
    static final int SPINS = Integer.getInteger("ubiq.invoker.spins", 256);

    private final int maxThreads;
    /** A worker parked this long ends; the next burst starts threads again. */
    static final long IDLE_NS = TimeUnit.SECONDS.toNanos(30);

    private final long idleNs;
    private final String namePrefix;
    private final Consumer<Throwable> onFailure;
    private final MpmcAtomicArrayQueue<Supplier<Runnable>> tasks;
    private final MpmcAtomicArrayQueue<Worker> parked;
    private final AtomicInteger admitted = new AtomicInteger();
    /** Workers awake and looking for a task, counting those being woken or started. */
    private final AtomicInteger searching = new AtomicInteger();
    private final AtomicInteger spinning = new AtomicInteger();
    private final AtomicInteger threads = new AtomicInteger();
    private final AtomicInteger threadIds = new AtomicInteger();
    private volatile boolean closed;

    /**
     * @param maxThreads tasks admitted at once, and threads at most (started when first needed)
     * @param namePrefix thread names: prefix plus a number
     * @param onFailure receives what a task threw (a task is expected to handle its own errors)
     */
    public InvokerPool(int maxThreads, String namePrefix, Consumer<Throwable> onFailure) {
        this(maxThreads, namePrefix, onFailure, IDLE_NS);
    }

    /** With {@code idleNs} instead of 30 s before an idle thread ends (tests). */
    InvokerPool(int maxThreads, String namePrefix, Consumer<Throwable> onFailure, long idleNs) {
        this.idleNs = idleNs;
        if (maxThreads < 1) {
            throw new IllegalArgumentException("maxThreads must be positive: " + maxThreads);
        }
        this.maxThreads = maxThreads;
        this.namePrefix = namePrefix;
        this.onFailure = onFailure;
        // JCTools rounds up to a power of two, at least 2; admission keeps `tasks` from filling;
        // `parked` holds each worker at most once: a thread is started only when wakeOne found
        // `parked` empty, retired entries included
        this.tasks = new MpmcAtomicArrayQueue<>(Math.max(2, maxThreads));
        this.parked = new MpmcAtomicArrayQueue<>(Math.max(2, maxThreads));
    }

    /**
     * Runs {@code task} on a pool thread, or returns false at once when {@code maxThreads} tasks
     * are admitted and not finished, or the pool is closed. The task returns what to do once its
     * place is free again (the hand-back of an invocation's answer; may be null): a client that
     * has its answer and sends the next request at once must not find the node still full of it.
     */
    public boolean execute(Supplier<Runnable> task) {
        int n;
        do {
            n = admitted.get();
            if (n >= maxThreads || closed) {
                return false;
            }
        } while (!admitted.compareAndSet(n, n + 1));
        if (!tasks.offer(task)) {
            // cannot happen while admission holds (capacity >= maxThreads); refuse rather than lose it
            admitted.decrementAndGet();
            return false;
        }
        if (searching.get() == 0) {
            wakeOne();
        }
        return true;
    }

    /** Tasks admitted and not finished (queued or running). */
    public int admitted() {
        return admitted.get();
    }

    /** Threads started and not ended. */
    public int threads() {
        return threads.get();
    }

    /** Wakes a parked worker, or starts a thread when none is parked and fewer than the maximum run. */
    private void wakeOne() {
        if (wakeParked()) {
            return;
        }
        int t;
        do {
            t = threads.get();
            if (t >= maxThreads) {
                // every thread exists and none is parked: one is between searching and parking,
                // and it re-checks the queue after it has put itself in `parked`
                return;
            }
        } while (!threads.compareAndSet(t, t + 1));
        searching.incrementAndGet();
        Worker nw = new Worker();
        nw.thread = Thread.ofPlatform().name(namePrefix + threadIds.getAndIncrement()).daemon().unstarted(nw);
        nw.thread.start();
    }

    private static final int PARKED = 0;
    private static final int AWAKE = 1;
    private static final int RETIRED = 2;

    private final class Worker implements Runnable {
        Thread thread;
        final AtomicInteger state = new AtomicInteger(AWAKE);

        @Override
        public void run() {
            try {
                loop();
            } finally {
                threads.decrementAndGet();
                // a wakeOne that ran while this thread still counted may have found no one to wake
                if (!closed && !tasks.isEmpty()) {
                    wakeOne();
                }
            }
        }

        private void loop() {
            for (;;) {
                // searching (counted by whoever woke or started this worker)
                Supplier<Runnable> t = tasks.poll();
                if (t == null) {
                    t = spin();
                }
                if (t != null) {
                    // more tasks queued than workers searching: one more, so none waits behind
                    // this one (nor behind a searcher the OS has descheduled)
                    int left = searching.decrementAndGet();
                    if (left == 0 && !tasks.isEmpty()) {
                        wakeOne();
                    }
                    Runnable after = null;
                    try {
                        after = t.get();
                    } catch (Throwable e) {
                        onFailure.accept(e);
                    } finally {
                        admitted.decrementAndGet();
                    }
                    if (after != null) {
                        try {
                            after.run();
                        } catch (Throwable e) {
                            onFailure.accept(e);
                        }
                    }
                    searching.incrementAndGet();
                    continue;
                }
                searching.decrementAndGet();
                if (closed && tasks.isEmpty()) {
                    return;
                }
                state.set(PARKED);
                if (!parked.offer(this)) {
                    // cannot happen (see wakeOne: at most one entry per thread); end rather than hang
                    state.set(RETIRED);
                    return;
                }
                if (closed) {
                    // close() may have run before this worker was in `parked`: wake all, itself included
                    while (wakeParked()) {
                        // next
                    }
                } else if (!tasks.isEmpty()) {
                    // a submit that saw this worker still searching did not wake anyone
                    wakeOne();
                }
                long idleUntil = System.nanoTime() + idleNs;
                while (state.get() == PARKED) {
                    long left = idleUntil - System.nanoTime();
                    if (left <= 0 && state.compareAndSet(PARKED, RETIRED)) {
                        // idle long enough: end; the entry left in `parked` is skipped by wakers
                        return;
                    }
                    LockSupport.parkNanos(this, Math.max(left, 1_000));
                }
            }
        }

        /** At most one worker spins at a time; the others park at once. */
        private Supplier<Runnable> spin() {
            if (SPINS <= 0 || spinning.get() > 0 || !spinning.compareAndSet(0, 1)) {
                return null;
            }
            try {
                for (int i = 0; i < SPINS; i++) {
                    Thread.onSpinWait();
                    Supplier<Runnable> t = tasks.poll();
                    if (t != null) {
                        return t;
                    }
                }
                return null;
            } finally {
                spinning.set(0);
            }
        }
    }

    /** Refuses new tasks; queued and running ones finish. */
    @Override
    public void close() {
        closed = true;
        // wake every parked worker so it sees `closed` and ends once the queue is empty
        while (wakeParked()) {
            // next
        }
    }

    /** Wakes one parked worker, skipping retired ones; false when none is parked. */
    private boolean wakeParked() {
        Worker w;
        while ((w = parked.poll()) != null) {
            if (w.state.compareAndSet(PARKED, AWAKE)) {
                searching.incrementAndGet();
                LockSupport.unpark(w.thread);
                return true;
            }
            // else it had retired: its thread has ended
        }
        return false;
    }

    /** Waits for the threads to end after {@link #close()}; true when they did within the time. */
    public boolean awaitTermination(long timeout, TimeUnit unit) throws InterruptedException {
        long end = System.nanoTime() + unit.toNanos(timeout);
        while (threads.get() > 0) {
            if (System.nanoTime() >= end) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }
}
