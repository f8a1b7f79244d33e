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
    /** Requests of a connection still waiting for their response (the idle timeout spares those). */
    static final io.netty.util.AttributeKey<java.util.concurrent.atomic.AtomicInteger> PENDING =
            io.netty.util.AttributeKey.valueOf("ubiq.pending");

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

    /** Counts a request that will get exactly one {@link #send}. */
    static void begin(ChannelHandlerContext ctx) {
        var a = ctx.channel().attr(PENDING);
        a.setIfAbsent(new java.util.concurrent.atomic.AtomicInteger());
        a.get().incrementAndGet();
    }

    static boolean hasPending(ChannelHandlerContext ctx) {
        var pending = ctx.channel().attr(PENDING).get();
        return pending != null && pending.get() > 0;
    }

    /** Writes and flushes; closes the connection after when the client did not ask to keep it. */
    static void send(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
        var pending = ctx.channel().attr(PENDING).get();
        if (pending != null) {
            pending.decrementAndGet();
        }
        if (keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(r, ctx.voidPromise());
        } else {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }
}
