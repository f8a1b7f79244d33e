package dev.ubiq.node.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ubiq.node.NodeConfig;
import dev.ubiq.runtime.InvocationResult;
import dev.ubiq.runtime.Limits;
import dev.ubiq.runtime.Manifest;
import dev.ubiq.runtime.Outcome;
import dev.ubiq.runtime.Request;
import dev.ubiq.runtime.UbiqRuntime;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.buffer.ByteBufUtil;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The route encodings. No committed guest prints its whole environment (env_args shows only
 * REQUEST_METHOD), so the CGI variables are checked here: a Netty server on loopback runs the
 * node's own {@link RouteRequests#request} on real requests and answers with the Request it built.
 * The CGI response head is checked on {@link RouteRequests#response} directly.
 */
@ExtendWith(dev.ubiq.node.NettyLeakCheck.class)
@Timeout(60)
class RouteRequestsTest {
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    /** Sends {@code raw} to a server that encodes it for the function at {@code /cgi}; returns the encoding as JSON. */
    JsonNode encode(String guest, String raw) throws Exception {
        NodeConfig cfg = new NodeConfig("127.0.0.1", 0, dir, Limits.defaults(), 4, 30_000, 60_000, 16384, false, null, null, 100);
        ExecutorService ex = Executors.newSingleThreadExecutor();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (UbiqRuntime rt = UbiqRuntime.builder().build()) {
            NodeState state = new NodeState(cfg, rt, new FunctionStore(dir), Tokens.loadOrCreate(dir),
                    new InvokerPool(1, "test-invoke-", e -> { }), ex, l -> { });
            state.deploy("f", Files.readAllBytes(Path.of(System.getProperty("ubiq.root"), "guests", "out", guest)),
                    Manifest.builder("f").withRoute("/cgi").build());
            Channel server = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20),
                                    new SimpleChannelInboundHandler<FullHttpRequest>() {
                                        @Override
                                        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) throws Exception {
                                            QueryStringDecoder uri = new QueryStringDecoder(req.uri());
                                            byte[] body = ByteBufUtil.getBytes(req.content());
                                            Request r = RouteRequests.request(ctx, req, uri, "/cgi", body,
                                                    state.runtime.registry().describe("f").config().shape(), state);
                                            var n = JSON.createObjectNode();
                                            n.put("body", new String(r.body(), StandardCharsets.ISO_8859_1));
                                            r.env().forEach(n.putObject("env")::put);
                                            if (r.env().isEmpty()) {
                                                n.putObject("env");
                                            }
                                            Http.send(ctx, Http.json(HttpResponseStatus.OK, n), false);
                                        }
                                    });
                        }
                    }).bind(new InetSocketAddress("127.0.0.1", 0)).sync().channel();
            int port = ((InetSocketAddress) server.localAddress()).getPort();
            try (Socket s = new Socket("127.0.0.1", port)) {
                s.setSoTimeout(10_000);
                OutputStream out = s.getOutputStream();
                out.write(raw.replace("PORT", Integer.toString(port)).getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                InputStream in = s.getInputStream();
                String resp = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                return JSON.readTree(resp.substring(resp.indexOf("\r\n\r\n") + 4));
            } finally {
                server.close().sync();
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
            ex.shutdownNow();
        }
    }

    @Test
    void aCommandGetsCgiVariablesAndNeverTheAuthorizationHeader() throws Exception {
        JsonNode r = encode("env_args.wasm", "POST /cgi/a/b?x=1&y=two HTTP/1.1\r\nHost: node.example:PORT\r\n"
                + "Authorization: Bearer secret-token\r\nX-Request-Id: abc-123\r\nContent-Type: text/plain\r\n"
                + "Content-Length: 5\r\nConnection: close\r\n\r\nhello");
        JsonNode env = r.get("env");
        assertEquals("hello", r.get("body").asText());
        assertEquals("POST", env.get("REQUEST_METHOD").asText());
        assertEquals("/cgi", env.get("SCRIPT_NAME").asText());
        assertEquals("/a/b", env.get("PATH_INFO").asText());
        assertEquals("x=1&y=two", env.get("QUERY_STRING").asText());
        assertEquals("text/plain", env.get("CONTENT_TYPE").asText());
        assertEquals("5", env.get("CONTENT_LENGTH").asText());
        assertEquals("HTTP/1.1", env.get("SERVER_PROTOCOL").asText());
        assertEquals("node.example", env.get("SERVER_NAME").asText());
        assertEquals("127.0.0.1", env.get("REMOTE_ADDR").asText());
        assertEquals("/cgi", env.get("X_MATCHED_ROUTE").asText());
        assertTrue(env.get("X_FULL_URL").asText().startsWith("http://node.example:"), env.toString());
        assertTrue(env.get("X_FULL_URL").asText().endsWith("/cgi/a/b?x=1&y=two"), env.toString());
        assertEquals("abc-123", env.get("HTTP_X_REQUEST_ID").asText());
        assertFalse(env.has("HTTP_AUTHORIZATION"), env.toString());
        assertFalse(env.toString().contains("secret-token"), env.toString());
        assertFalse(env.has("HTTP_CONTENT_TYPE") || env.has("HTTP_CONTENT_LENGTH"), env.toString());
    }

    @Test
    void theRouteItselfHasAnEmptyPathInfoAndQuery() throws Exception {
        JsonNode env = encode("env_args.wasm", "GET /cgi HTTP/1.1\r\nHost: h\r\nConnection: close\r\n\r\n").get("env");
        assertEquals("GET", env.get("REQUEST_METHOD").asText());
        assertEquals("", env.get("PATH_INFO").asText());
        assertEquals("", env.get("QUERY_STRING").asText());
        assertEquals("0", env.get("CONTENT_LENGTH").asText());
    }

    @Test
    void aReactorGetsTheRequestAsHttpTextWithoutAuthorization() throws Exception {
        JsonNode r = encode("trivial_reactor.wasm", "PUT /cgi/x?q=1 HTTP/1.1\r\nHost: h\r\nAuthorization: Bearer secret\r\n"
                + "X-One: 1\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi");
        assertEquals(0, r.get("env").size());
        assertEquals("PUT /cgi/x?q=1 HTTP/1.1\r\nHost: h\r\nX-One: 1\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi",
                r.get("body").asText());
    }

    static InvocationResult ok(String output) {
        return new InvocationResult(Outcome.OK, output.getBytes(StandardCharsets.ISO_8859_1), new byte[0], 0, "", null);
    }

    static String body(FullHttpResponse r) {
        try {
            return r.content().toString(StandardCharsets.ISO_8859_1);
        } finally {
            r.release();
        }
    }

    @Test
    void aCgiHeadSetsStatusAndHeaders() {
        FullHttpResponse r = RouteRequests.response(ok("Status: 201 Created\r\nContent-Type: text/plain\r\nX-Extra: 1\r\n"
                + "Content-Length: 999\r\n\r\nhi"));
        assertEquals(201, r.status().code());
        assertEquals("text/plain", r.headers().get("Content-Type"));
        assertEquals("1", r.headers().get("X-Extra"));
        assertEquals("2", r.headers().get("Content-Length"), "the guest cannot lie about the length");
        assertEquals("ok", r.headers().get("Ubiq-Outcome"));
        assertEquals("hi", body(r));
    }

    @Test
    void bareNewlinesAndLocationWork() {
        FullHttpResponse r = RouteRequests.response(ok("Location: /elsewhere\n\n"));
        assertEquals(302, r.status().code());
        assertEquals("/elsewhere", r.headers().get("Location"));
        assertEquals("", body(r));
    }

    @Test
    void anUnparsableStatusIs502() {
        FullHttpResponse r = RouteRequests.response(ok("Status: soon\r\n\r\nx"));
        assertEquals(502, r.status().code());
        body(r);
    }

    @Test
    void outputWithoutAHeadIsTheBody() {
        for (String out : new String[] {"just text", "", "X-Not-First: 1\r\n\r\nbody", "Content-Type: text/plain\r\nno colon\r\n\r\n",
                "POST /echo HTTP/1.1\r\nHost: h\r\n\r\nStatus: 201 Created\r\n\r\nhi", "Content-Type: text/plain (never ends)"}) {
            FullHttpResponse r = RouteRequests.response(ok(out));
            assertEquals(200, r.status().code(), out);
            assertEquals("application/octet-stream", r.headers().get("Content-Type"), out);
            assertEquals(out, body(r));
        }
        assertNull(RouteRequests.splitHead("Status: 200 OK".getBytes(StandardCharsets.ISO_8859_1)));
    }
}
