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
        /** The last {@code Authorization} value this connection presented that verified, and its scope. */
        String verifiedAuthorization;
        Tokens.Scope verifiedScope;
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

    /**
     * Writes and flushes; closes the connection after when the client did not ask to keep it.
     * From any thread: off the event loop (an invoker's answer) the write, the flush and the start
     * of the next pipelined request are one task on the connection's event loop, so an answer
     * costs one hand-back (and at most one wake-up of that loop).
     */
    static void send(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
        r.headers().set(HttpHeaderNames.CONNECTION, keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
        var loop = ctx.executor();
        if (loop.inEventLoop()) {
            write(ctx, r, keepAlive);
            // after the current handler returns, not inside it
            loop.execute(() -> next(ctx));
            return;
        }
        try {
            loop.execute(() -> {
                write(ctx, r, keepAlive);
                next(ctx);
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the node is shutting down and the loop is gone: nobody will write it
            r.release();
        }
    }

    private static void write(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
        if (keepAlive) {
            ctx.writeAndFlush(r, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
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
