package dev.ubiq.node.internal;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;

/** Small helpers for writing responses. */
final class Http {
    static final ObjectMapper JSON = new ObjectMapper();
    /**
     * Per-connection state, touched on the connection's event loop only. HTTP/1.1 answers
     * pipelined requests in order, but invocations finish in any order: so a connection handles
     * one request at a time and queues the ones behind it (at most {@link #MAX_QUEUED}).
     */
    static final class Conn {
        static final int MAX_QUEUED = 16;
        boolean busy;
        final java.util.ArrayDeque<io.netty.handler.codec.http.FullHttpRequest> queued = new java.util.ArrayDeque<>();
        java.util.function.BiConsumer<ChannelHandlerContext, io.netty.handler.codec.http.FullHttpRequest> handler;
    }

    static final io.netty.util.AttributeKey<Conn> CONN = io.netty.util.AttributeKey.valueOf("ubiq.conn");

    static Conn conn(ChannelHandlerContext ctx) {
        var a = ctx.channel().attr(CONN);
        Conn c = a.get();
        if (c == null) {
            c = new Conn();
            a.set(c);
        }
        return c;
    }

    /** Whether the connection has a request waiting for its response (the idle timeout spares it). */
    static boolean hasPending(ChannelHandlerContext ctx) {
        Conn c = ctx.channel().attr(CONN).get();
        return c != null && c.busy;
    }

    private Http() {}

    static FullHttpResponse response(HttpResponseStatus status, String contentType, byte[] body) {
        var r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        if (contentType != null) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
        }
        r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        return r;
    }

    static FullHttpResponse json(HttpResponseStatus status, Object value) {
        try {
            byte[] b = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(value);
            byte[] withNl = new byte[b.length + 1];
            System.arraycopy(b, 0, withNl, 0, b.length);
            withNl[b.length] = '\n';
            return response(status, "application/json", withNl);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code {"error": kind, "message": message}}: every error response has this shape. */
    static FullHttpResponse error(HttpResponseStatus status, String kind, String message) {
        ObjectNode n = JSON.createObjectNode();
        n.put("error", kind);
        n.put("message", message);
        return json(status, n);
    }

    static FullHttpResponse text(HttpResponseStatus status, String text) {
        return response(status, "text/plain; charset=utf-8", text.getBytes(StandardCharsets.UTF_8));
    }

    /** Writes and flushes; closes the connection after when the client did not ask to keep it. */
    static void send(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
        if (keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(r, ctx.voidPromise());
        } else {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
        ctx.executor().execute(() -> next(ctx));
    }

    /** The response of the current request is written: start on the next queued one, if any. */
    private static void next(ChannelHandlerContext ctx) {
        Conn c = conn(ctx);
        c.busy = false;
        var req = c.queued.poll();
        if (req != null) {
            c.busy = true;
            try {
                c.handler.accept(ctx, req);
            } finally {
                req.release();
            }
        }
    }
}
