package dev.ubiq.node.internal;

import dev.ubiq.abi.FunctionShape;
import dev.ubiq.runtime.InvocationResult;
import dev.ubiq.runtime.Request;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Requests to a manifest {@code route} (Wagi style). See {@code docs/http-api.md}.
 *
 * <p><b>WASI commands</b> get the body on stdin and CGI variables in the environment:
 * {@code REQUEST_METHOD}, {@code SCRIPT_NAME} (the route), {@code PATH_INFO} (the rest of the
 * path), {@code QUERY_STRING}, {@code CONTENT_TYPE}, {@code CONTENT_LENGTH}, {@code SERVER_NAME},
 * {@code SERVER_PORT}, {@code SERVER_PROTOCOL}, {@code REMOTE_ADDR}, {@code X_MATCHED_ROUTE},
 * {@code X_FULL_URL}, and {@code HTTP_NAME} per request header (upper case, {@code -} as
 * {@code _}; {@code Authorization} is never passed).
 *
 * <p><b>Reactors</b> get the request as HTTP/1.1 text: {@code METHOD target HTTP/1.1 CRLF},
 * {@code Name: value CRLF} per header (Authorization left out), {@code CRLF}, then the body.
 *
 * <p><b>Responses</b> (both shapes): the output may start with CGI headers, lines of
 * {@code Name: value} ended by an empty line, the first of them {@code Content-Type},
 * {@code Status} or {@code Location}; {@code Status: 404 Not Found} sets the status, the others
 * become response headers. Output without such a head is the body, 200, {@code
 * application/octet-stream}.
 */
final class RouteRequests {
    private static final int MAX_HEAD_BYTES = 16 * 1024;

    private RouteRequests() {}

    /** @param shape the serving function's shape, which the caller has already looked up */
    static Request request(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder uri, String route,
            byte[] body, FunctionShape shape, NodeState node) {
        if (shape == FunctionShape.REACTOR) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length + 512);
            String head = req.method().name() + " " + req.uri() + " HTTP/1.1\r\n";
            out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
            for (Map.Entry<String, String> h : req.headers()) {
                if (!h.getKey().equalsIgnoreCase("authorization")) {
                    out.writeBytes((h.getKey() + ": " + h.getValue() + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                }
            }
            out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.writeBytes(body);
            return Request.of(out.toByteArray());
        }
        Map<String, String> env = new HashMap<>();
        String path = uri.path();
        env.put("REQUEST_METHOD", req.method().name());
        env.put("SCRIPT_NAME", route);
        env.put("PATH_INFO", path.substring(route.length()));
        env.put("QUERY_STRING", uri.rawQuery());
        env.put("SERVER_PROTOCOL", "HTTP/1.1");
        env.put("X_MATCHED_ROUTE", route);
        env.put("CONTENT_LENGTH", Integer.toString(body.length));
        String ct = req.headers().get(HttpHeaderNames.CONTENT_TYPE);
        if (ct != null) {
            env.put("CONTENT_TYPE", ct);
        }
        if (ctx.channel().localAddress() instanceof InetSocketAddress local) {
            env.put("SERVER_PORT", Integer.toString(local.getPort()));
            env.put("SERVER_NAME", req.headers().get(HttpHeaderNames.HOST, local.getHostString()).replaceAll(":\\d+$", ""));
        }
        if (ctx.channel().remoteAddress() instanceof InetSocketAddress remote) {
            env.put("REMOTE_ADDR", remote.getAddress().getHostAddress());
        }
        env.put("X_FULL_URL", (node.config.tlsCert() != null ? "https://" : "http://")
                + req.headers().get(HttpHeaderNames.HOST, "localhost") + req.uri());
        for (Map.Entry<String, String> h : req.headers()) {
            String k = h.getKey();
            if (k.equalsIgnoreCase("authorization") || k.equalsIgnoreCase("content-type")
                    || k.equalsIgnoreCase("content-length")) {
                continue;
            }
            env.put("HTTP_" + k.toUpperCase(Locale.ROOT).replace('-', '_'), h.getValue());
        }
        return new Request(body, List.of(), env);
    }

    static FullHttpResponse response(InvocationResult r) {
        byte[] out = r.output();
        int[] split = splitHead(out);
        FullHttpResponse resp;
        if (split == null) {
            resp = Http.response(HttpResponseStatus.OK, "application/octet-stream", out);
        } else {
            String head = new String(out, 0, split[0], StandardCharsets.ISO_8859_1);
            byte[] body = Arrays.copyOfRange(out, split[1], out.length);
            HttpResponseStatus status = null;
            Map<String, String> headers = new HashMap<>();
            for (String line : head.split("\r?\n")) {
                int c = line.indexOf(':');
                String k = line.substring(0, c).trim();
                String v = line.substring(c + 1).trim();
                if (k.equalsIgnoreCase("Status")) {
                    try {
                        status = HttpResponseStatus.parseLine(v);
                    } catch (IllegalArgumentException e) {
                        status = HttpResponseStatus.BAD_GATEWAY;
                    }
                } else {
                    headers.put(k, v);
                }
            }
            if (status == null) {
                status = headers.containsKey("Location") ? HttpResponseStatus.FOUND : HttpResponseStatus.OK;
            }
            resp = Http.response(status, headers.getOrDefault("Content-Type", "application/octet-stream"), body);
            headers.forEach((k, v) -> {
                if (!k.equalsIgnoreCase("content-length") && !k.equalsIgnoreCase("connection")
                        && !k.equalsIgnoreCase("transfer-encoding")) {
                    resp.headers().set(k, v);
                }
            });
        }
        InvokeResponses.headers(resp, r);
        return resp;
    }

    /**
     * Finds a CGI head at the start of {@code out}: returns {head length, body start}, or null when
     * the output does not start with one.
     */
    static int[] splitHead(byte[] out) {
        int limit = Math.min(out.length, MAX_HEAD_BYTES);
        int lineStart = 0;
        boolean first = true;
        for (int i = 0; i < limit; i++) {
            if (out[i] != '\n') {
                continue;
            }
            int end = i > lineStart && out[i - 1] == '\r' ? i - 1 : i;
            if (end == lineStart) {
                // the empty line: the head is everything before it
                return first ? null : new int[] {Math.max(0, lineStart - 1), i + 1};
            }
            String line = new String(out, lineStart, end - lineStart, StandardCharsets.ISO_8859_1);
            if (!line.matches("[A-Za-z][A-Za-z0-9-]*:.*")) {
                return null;
            }
            if (first) {
                String name = line.substring(0, line.indexOf(':')).toLowerCase(Locale.ROOT);
                if (!name.equals("content-type") && !name.equals("status") && !name.equals("location")) {
                    return null;
                }
                first = false;
            }
            lineStart = i + 1;
        }
        return null;
    }
}
