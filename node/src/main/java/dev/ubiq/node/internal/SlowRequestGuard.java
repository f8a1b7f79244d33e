package dev.ubiq.node.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Bounds how long one request may take to arrive. The clock starts at the request's first byte
 * (so an idle keep-alive connection is not affected; the idle timeout handles those) and stops
 * when the request is complete. A slow-loris client trickling headers or a body gets 408 and the
 * connection is closed, so it cannot pin a connection or an aggregation buffer for long.
 *
 * <p>Two handlers share the state: {@link #rawSide()} sits before the HTTP codec and sees bytes,
 * {@link #httpSide()} after it and sees the end of each request.
 */
public final class SlowRequestGuard {
    private final long timeoutMs;
    private final long timeoutNs;
    /** One periodic check per connection (not a timer per request: that showed in the profile). */
    private ScheduledFuture<?> timer;
    private boolean waitingForEnd;
    private long startNs;

    public SlowRequestGuard(long timeoutMs) {
        this.timeoutMs = timeoutMs;
        this.timeoutNs = timeoutMs * 1_000_000;
    }

    /**
     * Whether a request has begun arriving and is not complete yet: its clock, not the idle
     * timeout, decides when the connection is given up (with a 408 rather than a silent close).
     */
    public boolean inRequest() {
        return waitingForEnd;
    }

    public ChannelInboundHandlerAdapter rawSide() {
        return new ChannelInboundHandlerAdapter() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof ByteBuf b && b.isReadable() && !waitingForEnd) {
                    waitingForEnd = true;
                    startNs = System.nanoTime();
                    if (timer == null) {
                        // checks a quarter of the timeout apart: a late request gets its 408 within 1.25x
                        long period = Math.max(10, timeoutMs / 4);
                        timer = ctx.executor().scheduleAtFixedRate(() -> check(ctx), period, period, TimeUnit.MILLISECONDS);
                    }
                }
                ctx.fireChannelRead(msg);
            }

            @Override
            public void channelInactive(ChannelHandlerContext ctx) throws Exception {
                waitingForEnd = false;
                if (timer != null) {
                    timer.cancel(false);
                    timer = null;
                }
                super.channelInactive(ctx);
            }
        };
    }

    public ChannelDuplexHandler httpSide() {
        return new ChannelDuplexHandler() {
            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                if (msg instanceof LastHttpContent) {
                    waitingForEnd = false;
                }
                ctx.fireChannelRead(msg);
            }
        };
    }

    private void check(ChannelHandlerContext ctx) {
        if (waitingForEnd && System.nanoTime() - startNs >= timeoutNs) {
            expire(ctx);
        }
    }

    private void expire(ChannelHandlerContext ctx) {
        if (!waitingForEnd || !ctx.channel().isActive()) {
            return;
        }
        waitingForEnd = false;
        byte[] body = ("{\"error\":\"request_timeout\",\"message\":\"the request did not arrive completely within "
                + timeoutMs + " ms\"}\n").getBytes(StandardCharsets.UTF_8);
        var resp = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.REQUEST_TIMEOUT,
                Unpooled.wrappedBuffer(body));
        resp.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/json");
        resp.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        resp.headers().set(HttpHeaderNames.CONNECTION, "close");
        ctx.channel().writeAndFlush(resp).addListener(ChannelFutureListener.CLOSE);
    }
}
