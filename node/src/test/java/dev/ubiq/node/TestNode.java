package dev.ubiq.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;
import javax.net.SocketFactory;

/**
 * A real node on 127.0.0.1 (port 0) over a data directory, with its log lines captured, and
 * helpers that make one HTTP/1.1 request per connection. Close it to stop the node.
 */
final class TestNode implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();
    /** Longest a test waits for one response. */
    static final int CALL_TIMEOUT_MS = 30_000;

    static {
        NettyLeakCheck.install();
    }

    final UbiqNode node;
    final Path dataDir;
    final List<String> log;
    final SocketFactory sockets;

    private TestNode(UbiqNode node, Path dataDir, List<String> log, SocketFactory sockets) {
        this.node = node;
        this.dataDir = dataDir;
        this.log = log;
        this.sockets = sockets;
    }

    static TestNode start(Path dataDir) {
        return start(dataDir, b -> b);
    }

    static TestNode start(Path dataDir, UnaryOperator<UbiqNode.Builder> config) {
        return start(dataDir, config, SocketFactory.getDefault());
    }

    static TestNode start(Path dataDir, UnaryOperator<UbiqNode.Builder> config, SocketFactory sockets) {
        List<String> log = new CopyOnWriteArrayList<>();
        UbiqNode node = config.apply(UbiqNode.builder().withPort(0).withDataDir(dataDir).withLog(log::add)).start();
        return new TestNode(node, dataDir, log, sockets);
    }

    int port() {
        return node.port();
    }

    String admin() {
        return "Bearer " + node.adminToken();
    }

    String invoker() {
        return "Bearer " + node.invokeToken();
    }

    RawHttp connect(int readTimeoutMs) throws IOException {
        return new RawHttp(sockets, port(), readTimeoutMs);
    }

    /** One request on a fresh connection; {@code auth} is the whole Authorization value or null. */
    RawHttp.Response call(String method, String path, String auth, byte[] body, String... headers) {
        List<String> h = new ArrayList<>(Arrays.asList(headers));
        if (auth != null) {
            h.add("Authorization: " + auth);
        }
        h.add("Connection: close");
        try (RawHttp c = connect(CALL_TIMEOUT_MS)) {
            c.send(method, path, body, h.toArray(String[]::new));
            return c.read();
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + path + ": " + e.getMessage(), e);
        }
    }

    RawHttp.Response get(String path, String auth) {
        return call("GET", path, auth, new byte[0]);
    }

    RawHttp.Response delete(String path, String auth) {
        return call("DELETE", path, auth, new byte[0]);
    }

    RawHttp.Response post(String path, String auth, byte[] body, String... headers) {
        return call("POST", path, auth, body, headers);
    }

    RawHttp.Response invoke(String name, String body) {
        return post("/v1/functions/" + name + "/invoke", invoker(), body.getBytes(StandardCharsets.UTF_8));
    }

    /** PUT of a bare module (application/wasm, default manifest). */
    RawHttp.Response deploy(String name, byte[] wasm) {
        return call("PUT", "/v1/functions/" + name, admin(), wasm, "Content-Type: application/wasm");
    }

    /** PUT of a multipart form: part {@code module}, and {@code manifest} sent as file {@code manifestFile}. */
    RawHttp.Response deploy(String name, byte[] wasm, String manifestFile, String manifest) {
        return call("PUT", "/v1/functions/" + name, admin(), multipart(wasm, manifestFile, manifest),
                "Content-Type: multipart/form-data; boundary=" + BOUNDARY);
    }

    static final String BOUNDARY = "ubiq-test-boundary-7d1f";

    static byte[] multipart(byte[] wasm, String manifestFile, String manifest) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"module\"; filename=\"m.wasm\"\r\n"
                + "Content-Type: application/wasm\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.writeBytes(wasm);
        if (manifest != null) {
            body.writeBytes(("\r\n--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"manifest\"; filename=\""
                    + manifestFile + "\"\r\nContent-Type: text/plain\r\n\r\n" + manifest).getBytes(StandardCharsets.UTF_8));
        }
        body.writeBytes(("\r\n--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return body.toByteArray();
    }

    static JsonNode json(RawHttp.Response r) {
        try {
            return JSON.readTree(r.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (status " + r.status() + "): " + r.body(), e);
        }
    }

    String logText() {
        return String.join("\n", log);
    }

    @Override
    public void close() {
        node.close();
    }
}
