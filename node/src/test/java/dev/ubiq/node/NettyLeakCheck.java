package dev.ubiq.node;

import static org.junit.jupiter.api.Assertions.fail;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when Netty reports a leaked buffer. The surefire argLine sets the leak level
 * to paranoid (every buffer tracked); this installs a detector factory whose detectors record
 * every report instead of only logging it, and after the class forces collection and a few
 * allocations (reports are made when the next buffer is tracked) before checking.
 */
public final class NettyLeakCheck implements AfterAllCallback {
    private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

    static {
        // must run before Netty's buffer classes create their detectors (class initialisation)
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
                        LEAKS.add("LEAK: " + type + records);
                    }

                    @Override
                    protected void reportUntracedLeak(String type) {
                        LEAKS.add("LEAK: " + type + " (untraced)");
                    }
                };
            }
        });
    }

    /** Ensures the factory is installed (call from a static initialiser before touching Netty). */
    public static void install() {
        // the static initialiser does the work
    }

    /** Collects garbage, makes Netty poll its leak queues, and returns (and forgets) the reports so far. */
    static List<String> collectReports() throws InterruptedException {
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            for (int j = 0; j < 16; j++) {
                ByteBuf a = UnpooledByteBufAllocator.DEFAULT.buffer(16);
                a.release();
                ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(16);
                b.release();
                ByteBuf c = PooledByteBufAllocator.DEFAULT.heapBuffer(16);
                c.release();
            }
        }
        List<String> found = new ArrayList<>(LEAKS);
        LEAKS.clear();
        return found;
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        List<String> found = collectReports();
        if (!found.isEmpty()) {
            fail(found.size() + " Netty leak report(s) in " + context.getDisplayName() + ":\n" + String.join("\n", found));
        }
    }
}
