package dev.ubiq.benchmarks.http;

import dev.ubiq.runtime.Manifest;
import dev.ubiq.runtime.Request;
import dev.ubiq.runtime.UbiqRuntime;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The ceiling for the node's HTTP stack: the same Netty, event-loop layout and socket options as
 * {@code dev.ubiq.node.internal.HttpServer}, but the handler answers every request with a fixed
 * body on the event loop itself (no routing, auth, executor hop or guest). {@code benchmarks/node/run.sh}
 * loads it with wrk beside the node and quotes the node as a ratio to it.
 *
 * <p>Two diagnostic modes take the node apart (benchmarks/node/run.sh with {@code DIAG=1}):
 * {@code --handoff N} answers from a pool of N platform threads fed through a
 * {@code SynchronousQueue}, as the node's invoker pool is, so the response is written from outside
 * the event loop; {@code --invoke WASM} answers with {@code UbiqRuntime.invoke} of that reactor
 * (its echo of the request body), on the event loop, or on the pool with both flags.
 *
 * <pre>{@code
 * java -cp ... dev.ubiq.benchmarks.http.NettyHelloServer --port 18080 --body 'hello, ubiq'
 * # prints "listening on 18080"; stops on SIGTERM
 * }</pre>
 */
public final class NettyHelloServer {
    private NettyHelloServer() {}

    public static void main(String[] args) throws Exception {
        int port = 0;
        String body = "hello, ubiq";
        int handoff = 0;
        String wasm = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(args[++i]);
                case "--body" -> body = args[++i];
                case "--handoff" -> handoff = Integer.parseInt(args[++i]);
                case "--invoke" -> wasm = args[++i];
                default -> {
                    System.err.println("usage: NettyHelloServer [--port N] [--body TEXT] [--handoff THREADS] [--invoke WASM]");
                    System.exit(2);
                }
            }
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(NioIoHandler.newFactory());
        UbiqRuntime runtime = null;
        if (wasm != null) {
            runtime = UbiqRuntime.builder().build();
            runtime.deploy(Files.readAllBytes(Path.of(wasm)),
                    Manifest.builder("hello").withMaxConcurrency(Math.max(64, handoff)).build());
        }
        ExecutorService pool = handoff == 0 ? null : new ThreadPoolExecutor(handoff, handoff, 30, TimeUnit.SECONDS,
                new SynchronousQueue<>(), Thread.ofPlatform().name("handoff-", 0).daemon().factory());
        Hello hello = new Hello(bytes, pool, runtime);
        Channel ch = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 1024)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel c) {
                        c.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 20), hello);
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", port)).sync().channel();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            ch.close().syncUninterruptibly();
            boss.shutdownGracefully();
            workers.shutdownGracefully();
        }));
        System.out.println("listening on " + ((InetSocketAddress) ch.localAddress()).getPort());
        System.out.flush();
        ch.closeFuture().sync();
    }

    @ChannelHandler.Sharable
    private static final class Hello extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final byte[] body;
        private final ExecutorService pool;
        private final UbiqRuntime runtime;

        Hello(byte[] body, ExecutorService pool, UbiqRuntime runtime) {
            this.body = body;
            this.pool = pool;
            this.runtime = runtime;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            byte[] in = runtime == null ? null : ByteBufUtil.getBytes(req.content());
            if (pool == null) {
                reply(ctx, keepAlive, in);
            } else {
                pool.execute(() -> reply(ctx, keepAlive, in));
            }
        }

        private void reply(ChannelHandlerContext ctx, boolean keepAlive, byte[] in) {
            byte[] out = runtime == null ? body : runtime.invoke("hello", Request.of(in)).output();
            var r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(out));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
            r.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, out.length);
            if (keepAlive) {
                r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
                ctx.writeAndFlush(r, ctx.voidPromise());
            } else {
                ctx.writeAndFlush(r).addListener(io.netty.channel.ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
