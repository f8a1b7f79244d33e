package dev.ubiq.node.internal;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The Netty side: one boss and one worker group (as many event loops as cores), HTTP/1.1 with
 * keep-alive, optional TLS, and the guards in front of the API handler.
 *
 * <pre>
 * [SslHandler] → raw-bytes clock (408) → HttpServerCodec (limits: line 8 KiB, headers)
 *   → request-end clock → idle close → keep-alive → HttpObjectAggregator (413) → ApiHandler
 * </pre>
 */
public final class HttpServer implements AutoCloseable {
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final Channel channel;

    public HttpServer(NodeState node, int maxContentBytes) throws Exception {
        var cfg = node.config;
        SslContext ssl = cfg.tlsCert() == null ? null
                : SslContextBuilder.forServer(cfg.tlsCert().toFile(), cfg.tlsKey().toFile()).build();
        ApiHandler api = new ApiHandler(node);
        boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        var p = ch.pipeline();
                        if (ssl != null) {
                            p.addLast(ssl.newHandler(ch.alloc()));
                        }
                        SlowRequestGuard guard = new SlowRequestGuard(cfg.requestTimeoutMs());
                        p.addLast("request-clock", guard.rawSide());
                        p.addLast("codec", new HttpServerCodec(8192, cfg.maxHeaderBytes(), 65536));
                        p.addLast("request-end", guard.httpSide());
                        p.addLast("idle", new IdleStateHandler(0, 0, cfg.idleTimeoutMs(), TimeUnit.MILLISECONDS) {
                            @Override
                            protected void channelIdle(io.netty.channel.ChannelHandlerContext ctx, IdleStateEvent evt) {
                                // a long invocation is not idleness: only close when nothing is pending;
                                // a request still arriving is the request clock's to end (with a 408)
                                if (!Http.hasPending(ctx) && !guard.inRequest()) {
                                    ctx.close();
                                }
                            }
                        });
                        p.addLast("keep-alive", new HttpServerKeepAliveHandler());
                        p.addLast("aggregator", new HttpObjectAggregator(maxContentBytes) {
                            @Override
                            protected Object newContinueResponse(io.netty.handler.codec.http.HttpMessage start,
                                    int maxContentLength, io.netty.channel.ChannelPipeline pipeline) {
                                // 417 (an Expect other than 100-continue) and 413 in the JSON error shape
                                Object r = super.newContinueResponse(start, maxContentLength, pipeline);
                                if (r instanceof io.netty.handler.codec.http.FullHttpResponse f
                                        && f.status().code() != 100) {
                                    int code = f.status().code();
                                    io.netty.util.ReferenceCountUtil.release(r);
                                    var j = code == 413 ? tooLarge(start, maxContentLength)
                                            : Http.error(f.status(), "expectation_failed",
                                                    "only 'Expect: 100-continue' is supported");
                                    j.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CONNECTION, "close");
                                    return j;
                                }
                                return r;
                            }

                            @Override
                            protected void handleOversizedMessage(io.netty.channel.ChannelHandlerContext ctx,
                                    io.netty.handler.codec.http.HttpMessage oversized) {
                                // Netty's own policy, with the JSON error shape instead of an empty body:
                                // close when the body is already here or the client will not keep the
                                // connection; otherwise answer and let the aggregator skip the body, so a
                                // client still writing it is not cut off mid-write
                                var r = tooLarge(oversized, maxContentBytes);
                                boolean close = oversized instanceof io.netty.handler.codec.http.FullHttpMessage
                                        || !ctx.channel().config().isAutoRead()
                                        || !io.netty.handler.codec.http.HttpUtil.is100ContinueExpected(oversized)
                                                && !io.netty.handler.codec.http.HttpUtil.isKeepAlive(oversized);
                                if (close) {
                                    r.headers().set(io.netty.handler.codec.http.HttpHeaderNames.CONNECTION, "close");
                                    ctx.writeAndFlush(r).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
                                } else {
                                    ctx.writeAndFlush(r).addListener(io.netty.channel.ChannelFutureListener.CLOSE_ON_FAILURE);
                                }
                                // (the aggregator releases the message itself)
                            }
                        });
                        p.addLast("api", api);
                    }
                });
        channel = b.bind(new InetSocketAddress(cfg.bindAddress(), cfg.port())).sync().channel();
    }

    /** 413 for a request above the HTTP layer's cap: a deploy names the module, anything else the payload. */
    static io.netty.handler.codec.http.FullHttpResponse tooLarge(io.netty.handler.codec.http.HttpMessage m, int cap) {
        boolean deploy = m instanceof io.netty.handler.codec.http.HttpRequest req
                && (req.method().equals(io.netty.handler.codec.http.HttpMethod.PUT)
                        || req.method().equals(io.netty.handler.codec.http.HttpMethod.POST))
                && req.uri().matches("/v1/functions/[^/?]+/?(\\?.*)?");
        return deploy
                ? Http.error(io.netty.handler.codec.http.HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "module_too_large",
                        "the upload exceeds the node's limit of " + cap + " bytes (module size limit plus 1 MiB for a form)")
                : Http.error(io.netty.handler.codec.http.HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "payload_too_large",
                        "the request body exceeds the node's limit of " + cap + " bytes");
    }

    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
