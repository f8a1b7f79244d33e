package dev.ubiq.benchmarks;

import dev.ubiq.node.UbiqNode;
import dev.ubiq.runtime.InvocationResult;
import dev.ubiq.runtime.Manifest;
import dev.ubiq.runtime.Outcome;
import dev.ubiq.runtime.Request;
import dev.ubiq.runtime.UbiqRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Host ABI v1 on one node (a real {@link UbiqNode} on 127.0.0.1, same JVM): the guest {@code
 * abi_bench} drives the hostcalls in a loop, so the per-operation time includes the guest side of
 * the hostcall (argument passing, bounds checks, the copies).
 *
 * <ul>
 *   <li>{@code f2fCall1KiB}: {@code ubiq:v1.call} of function {@code sink} (echo) with a 1 KiB
 *       payload and its 1 KiB response, 100 per invocation of the caller.
 *   <li>{@code hostInvoke1KiB}: baseline, the same callee invoked from Java with {@code
 *       runtime.invoke} (what the hostcall does, minus the guest memory copies).
 *   <li>{@code httpInvoke1KiB}: baseline, the same callee through the node's HTTP API: POST of 1 KiB
 *       to {@code /v1/functions/sink/invoke} on one keep-alive connection (a minimal raw-socket
 *       client, so the figure is the node's, not a client library's).
 *   <li>{@code kvPut1KiB}, {@code kvGet1KiB}: 100 {@code kv_put} / {@code kv_get} of 1 KiB per
 *       invocation on an embedded runtime with the memory-only store (the {@code ubiq:v1} default).
 *   <li>{@code kvPut1KiBPersistent}: 10 {@code kv_put} of 1 KiB on the node, whose store writes
 *       through to {@code FileKvBackend} (temp file, fsync, rename per put).
 *   <li>{@code channel64KiB}: 20 rounds of {@code channel_send} + {@code channel_recv} of 64 KiB;
 *       one op = one message through the channel (copy in + copy out).
 * </ul>
 *
 * The guest also times every single operation with {@code clock_monotonic_ns}; the teardown prints
 * those p50/p99 (lines starting {@code guest-timed}), which JMH's per-invocation figures cannot show.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class HostAbiBench {
    static final int CALLS = 100;
    static final int KV_OPS = 100;
    static final int CHANNEL_ROUNDS = 20;
    static final int PERSISTENT_PUTS = 10;

    @State(Scope.Benchmark)
    public static class NodeState {
        /**
         * Whether the functions fork from a snapshot and pooled instances are reset to it after
         * each call (the default), or keep their state between calls ({@code snapshot = false}):
         * the reset is part of every call's cost, so both are measured in the same run.
         */
        @Param({"true", "false"})
        public boolean snapshot;
        Path dir;
        UbiqNode node;
        UbiqRuntime rt;
        /** An embedded runtime with the memory-only KV store. */
        UbiqRuntime mem;
        Socket socket;
        OutputStream out;
        InputStream in;
        byte[] httpRequest;
        byte[] buf = new byte[16384];
        Request oneKiB = Request.of(new byte[1024]);
        Request calls = Request.of("C" + CALLS);
        Request puts = Request.of("P" + KV_OPS);
        Request gets = Request.of("G" + KV_OPS);
        Request persistentPuts = Request.of("P" + PERSISTENT_PUTS);
        Request rounds = Request.of("Q" + CHANNEL_ROUNDS);

        @Setup(Level.Trial)
        public void setup() throws IOException {
            dir = Files.createTempDirectory("ubiq-abi-bench");
            node = UbiqNode.builder().withPort(0).withDataDir(dir).withLog(l -> { }).start();
            rt = node.runtime();
            byte[] wasm = Guests.bytes("abi_bench.wasm");
            node.deploy("sink", wasm, Manifest.builder("sink").withMaxConcurrency(4).withSnapshot(snapshot).build());
            node.deploy("bench", wasm, Manifest.builder("bench").withCapability("call:sink")
                    .withCapability("kv:bench").withCapability("channel:bench").withSnapshot(snapshot).build());
            byte[] body = new byte[1024];
            Arrays.fill(body, (byte) 'E');
            String head = "POST /v1/functions/sink/invoke HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer "
                    + node.invokeToken() + "\r\nContent-Type: application/octet-stream\r\nContent-Length: 1024\r\n\r\n";
            byte[] h = head.getBytes(StandardCharsets.US_ASCII);
            httpRequest = Arrays.copyOf(h, h.length + body.length);
            System.arraycopy(body, 0, httpRequest, h.length, body.length);
            socket = new Socket(InetAddress.getLoopbackAddress(), node.port());
            socket.setTcpNoDelay(true);
            out = socket.getOutputStream();
            in = socket.getInputStream();
            check(rt.invoke("bench", Request.of("P64")));
            mem = UbiqRuntime.builder().build();
            mem.deploy(wasm, Manifest.builder("bench").withCapability("kv:bench").withSnapshot(snapshot).build());
            check(mem.invoke("bench", Request.of("P64")));
        }

        /** One HTTP exchange on the kept-alive connection; returns the response body length. */
        int http() throws IOException {
            out.write(httpRequest);
            out.flush();
            int have = 0;
            int headerEnd = -1;
            while (headerEnd < 0) {
                int n = in.read(buf, have, buf.length - have);
                if (n < 0) {
                    throw new IOException("connection closed");
                }
                have += n;
                headerEnd = indexOf(buf, have);
            }
            String headers = new String(buf, 0, headerEnd, StandardCharsets.US_ASCII);
            if (!headers.startsWith("HTTP/1.1 200")) {
                throw new IOException("unexpected response: " + headers);
            }
            int cl = contentLength(headers);
            int body = have - (headerEnd + 4);
            while (body < cl) {
                int n = in.read(buf, 0, buf.length);
                if (n < 0) {
                    throw new IOException("connection closed");
                }
                body += n;
            }
            return cl;
        }

        private static int indexOf(byte[] b, int len) {
            for (int i = 0; i + 3 < len; i++) {
                if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                    return i;
                }
            }
            return -1;
        }

        private static int contentLength(String headers) {
            for (String line : headers.split("\r\n")) {
                if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                    return Integer.parseInt(line.substring(15).trim());
                }
            }
            throw new IllegalStateException("no content-length in " + headers);
        }

        @TearDown(Level.Trial)
        public void tearDown(org.openjdk.jmh.infra.BenchmarkParams params) throws IOException {
            // per-operation percentiles timed inside the guest, in the fork (JIT state) of the matching benchmark
            String b = params.getBenchmark();
            String op = b.endsWith("f2fCall1KiB") ? "C20000" : b.endsWith("channel64KiB") ? "Q2000"
                    : b.endsWith("kvPut1KiBPersistent") ? "P200" : b.endsWith("kvPut1KiB") ? "P20000"
                    : b.endsWith("kvGet1KiB") ? "G20000" : null;
            if (op != null) {
                UbiqRuntime target = op.startsWith("P2") && !op.equals("P200") || op.startsWith("G") ? mem : rt;
                InvocationResult r = target.invoke("bench", Request.of(op));
                System.out.println("guest-timed " + op + " snapshot=" + snapshot + ": " + r.outputAsString() + " " + r.message());
            }
            mem.close();
            socket.close();
            node.close();
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    static InvocationResult check(InvocationResult r) {
        if (r.outcome() != Outcome.OK || r.outputAsString().startsWith("err")) {
            throw new IllegalStateException(r.outcome() + " " + r.message() + " " + r.outputAsString());
        }
        return r;
    }

    @Benchmark
    @OperationsPerInvocation(CALLS)
    public InvocationResult f2fCall1KiB(NodeState s) {
        return s.rt.invoke("bench", s.calls);
    }

    @Benchmark
    @BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
    public InvocationResult hostInvoke1KiB(NodeState s) {
        return s.rt.invoke("sink", s.oneKiB);
    }

    @Benchmark
    @BenchmarkMode({Mode.AverageTime, Mode.SampleTime})
    public int httpInvoke1KiB(NodeState s) {
        try {
            return s.http();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Benchmark
    @OperationsPerInvocation(KV_OPS)
    public InvocationResult kvPut1KiB(NodeState s) {
        return s.mem.invoke("bench", s.puts);
    }

    @Benchmark
    @OperationsPerInvocation(PERSISTENT_PUTS)
    public InvocationResult kvPut1KiBPersistent(NodeState s) {
        return s.rt.invoke("bench", s.persistentPuts);
    }

    @Benchmark
    @OperationsPerInvocation(KV_OPS)
    public InvocationResult kvGet1KiB(NodeState s) {
        return s.mem.invoke("bench", s.gets);
    }

    @Benchmark
    @OperationsPerInvocation(CHANNEL_ROUNDS)
    public InvocationResult channel64KiB(NodeState s) {
        return s.rt.invoke("bench", s.rounds);
    }
}
