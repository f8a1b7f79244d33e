package dev.ubiq.node;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The leak check itself catches a leaked buffer, so a clean run of the node tests means something. */
@Timeout(30)
class NettyLeakCheckTest {
    static {
        NettyLeakCheck.install();
    }

    @Test
    void aBufferDroppedWithoutReleaseIsReported() throws Exception {
        NettyLeakCheck.collectReports();
        leak();
        List<String> reports = List.of();
        for (int i = 0; i < 10 && reports.isEmpty(); i++) {
            reports = NettyLeakCheck.collectReports();
        }
        assertFalse(reports.isEmpty(), "a leaked buffer must be reported (is -Dio.netty.leakDetection.level=paranoid set?)");
        assertTrue(reports.getFirst().startsWith("LEAK: "), reports.getFirst());
    }

    private static void leak() {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        b.writeLong(42);
    }
}
