package dev.ubiq.conformance.fuzz;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Netty's leak reports, recorded instead of only logged (the idea of the node tests'
 * {@code NettyLeakCheck}): surefire's argLine sets {@code -Dio.netty.leakDetection.level=paranoid}
 * (every buffer tracked), and the detector factory installed here keeps each report so an oracle
 * can fail on it. {@link #install()} must run before Netty's buffer classes are initialised;
 * {@link #selfTest()} proves that it did.
 */
final class NettyLeaks {
    private static final List<String> REPORTS = new CopyOnWriteArrayList<>();

    static {
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new ResourceLeakDetectorFactory() {
            @Override
            public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
                return new ResourceLeakDetector<>(resource, samplingInterval, maxActive) {
                    @Override
                    protected boolean needReport() {
                        return true;
                    }

                    @Override
                    protected void reportTracedLeak(String type, String records) {
                        REPORTS.add("LEAK: " + type + records);
                    }

                    @Override
                    protected void reportUntracedLeak(String type) {
                        REPORTS.add("LEAK: " + type + " (untraced)");
                    }
                };
            }
        });
    }

    private NettyLeaks() {}

    /** Installs the recording factory (the static initialiser does the work). */
    static void install() {
        // class initialisation
    }

    /** The reports so far, forgotten; cheap (no collection). */
    static List<String> drain() {
        List<String> found = new ArrayList<>(REPORTS);
        REPORTS.removeAll(found);
        return found;
    }

    /** Collects garbage and makes Netty poll its leak queues (reports come with the next tracked buffer), then {@link #drain()}s. */
    static List<String> collect(int rounds) {
        for (int i = 0; i < rounds; i++) {
            System.gc();
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            for (int j = 0; j < 8; j++) {
                UnpooledByteBufAllocator.DEFAULT.buffer(16).release();
                PooledByteBufAllocator.DEFAULT.directBuffer(16).release();
                PooledByteBufAllocator.DEFAULT.heapBuffer(16).release();
            }
        }
        return drain();
    }

    /**
     * Leaks one buffer on purpose and waits for its report: without the paranoid level, or with
     * Netty initialised before {@link #install()}, the oracle would be blind, so it refuses to run.
     */
    static void selfTest() {
        collect(1);
        leakOne();
        for (int i = 0; i < 10; i++) {
            if (!collect(2).isEmpty()) {
                return;
            }
        }
        throw new IllegalStateException("Netty leak detection is not active: run with "
                + "-Dio.netty.leakDetection.level=paranoid and call NettyLeaks.install() before Netty is used");
    }

    private static void leakOne() {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        b.writeLong(42);
    }
}
