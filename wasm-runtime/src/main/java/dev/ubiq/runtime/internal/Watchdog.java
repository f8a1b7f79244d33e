package dev.ubiq.runtime.internal;

import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.jctools.queues.atomic.MpmcAtomicArrayQueue;

/**
 * Enforces invocation deadlines by interrupting the thread that runs a guest; both Chicory modes
 * stop on interrupt (see {@link ChicoryEngine}). One daemon thread for the whole runtime, ticking
 * every {@link #TICK_NS} only while some invocation is armed, parked otherwise; it also runs the
 * runtime's housekeeping (idle-instance expiry) once a second.
 *
 * <p>Per invocation the cost is a slot taken from a lock-free free list, a few volatile writes and
 * one CAS: no allocation, no timer task. A slot is armed with the thread and its deadline; the
 * watchdog moves it ARMED → FIRING, interrupts, then FIRED. {@link Slot#disarm()} either wins
 * ARMED → IDLE (no interrupt can follow), or waits for FIRED and clears the thread's interrupt flag,
 * so a pooled or reused thread never carries a stale interrupt into its next invocation.
 */
public final class Watchdog implements AutoCloseable {
    /** Deadline resolution. */
    public static final long TICK_NS = 1_000_000;
    private static final long HOUSEKEEPING_NS = 1_000_000_000;
    /**
     * Keeps ticking this long after the last armed deadline before parking for good, so steady
     * traffic never pays for waking the watchdog (an unpark is a futex syscall per invocation).
     */
    private static final long LINGER_NS = 100_000_000;

    private static final int IDLE = 0;
    private static final int ARMED = 1;
    private static final int FIRING = 2;
    private static final int FIRED = 3;

    private final CopyOnWriteArrayList<Slot> all = new CopyOnWriteArrayList<>();
    private final MpmcAtomicArrayQueue<Slot> free = new MpmcAtomicArrayQueue<>(4096);
    private final AtomicInteger armed = new AtomicInteger();
    private final Thread thread;
    private final Runnable housekeeping;
    private volatile boolean parkedIndefinitely;
    private volatile boolean closed;

    /** @param housekeeping run about once a second on the watchdog thread; must not block */
    public Watchdog(Runnable housekeeping) {
        this.housekeeping = housekeeping;
        this.thread = Thread.ofPlatform().daemon().name("ubiq-watchdog").unstarted(this::loop);
        thread.start();
    }

    /** A deadline registration; reused across invocations. */
    public final class Slot {
        private final AtomicInteger state = new AtomicInteger(IDLE);
        private volatile Thread target;
        private volatile long deadlineNs;

        /**
         * Stops the deadline. Returns whether the watchdog interrupted the guest; in that case the
         * interrupt flag of the current thread has been cleared. Always returns the slot for reuse.
         */
        public boolean disarm() {
            boolean fired = !state.compareAndSet(ARMED, IDLE);
            if (fired) {
                while (state.get() == FIRING) {
                    Thread.onSpinWait();
                }
                Thread.interrupted();
                state.set(IDLE);
            }
            target = null;
            armed.decrementAndGet();
            if (!free.offer(this)) {
                all.remove(this);
            }
            return fired;
        }
    }

    /** Arms a deadline for the current thread, {@code timeoutNs} from {@code nowNs}. */
    public Slot arm(long nowNs, long timeoutNs) {
        Slot s = free.poll();
        if (s == null) {
            s = new Slot();
            all.add(s);
        }
        s.target = Thread.currentThread();
        s.deadlineNs = nowNs + timeoutNs;
        s.state.set(ARMED);
        armed.incrementAndGet();
        if (parkedIndefinitely) {
            LockSupport.unpark(thread);
        }
        return s;
    }

    private void loop() {
        long nextHousekeeping = System.nanoTime() + HOUSEKEEPING_NS;
        long lastBusy = System.nanoTime();
        while (!closed) {
            long now = System.nanoTime();
            for (Slot s : all) {
                if (s.state.get() == ARMED && now - s.deadlineNs >= 0 && s.state.compareAndSet(ARMED, FIRING)) {
                    Thread t = s.target;
                    if (t != null) {
                        t.interrupt();
                    }
                    s.state.set(FIRED);
                }
            }
            if (now - nextHousekeeping >= 0) {
                nextHousekeeping = now + HOUSEKEEPING_NS;
                try {
                    housekeeping.run();
                } catch (RuntimeException e) {
                    // housekeeping is best effort; deadlines must keep working
                }
            }
            if (armed.get() > 0) {
                lastBusy = now;
                LockSupport.parkNanos(TICK_NS);
            } else if (now - lastBusy < LINGER_NS) {
                LockSupport.parkNanos(TICK_NS);
            } else {
                parkedIndefinitely = true;
                if (armed.get() == 0 && !closed) {
                    LockSupport.parkNanos(HOUSEKEEPING_NS);
                }
                parkedIndefinitely = false;
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
    }
}
