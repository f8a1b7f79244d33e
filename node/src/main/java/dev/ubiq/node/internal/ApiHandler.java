package dev.ubiq.node.internal;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ubiq.abi.FunctionShape;
import dev.ubiq.node.internal.Tokens.Scope;
import dev.ubiq.runtime.DeployedFunction;
import dev.ubiq.runtime.FunctionStats;
import dev.ubiq.runtime.InvocationResult;
import dev.ubiq.runtime.Manifest;
import dev.ubiq.runtime.Outcome;
import dev.ubiq.runtime.Request;
import dev.ubiq.runtime.UbiqException;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.handler.codec.http.multipart.Attribute;
import io.netty.handler.codec.http.multipart.DefaultHttpDataFactory;
import io.netty.handler.codec.http.multipart.FileUpload;
import io.netty.handler.codec.http.multipart.HttpPostRequestDecoder;
import io.netty.handler.codec.http.multipart.InterfaceHttpData;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The node's HTTP API. Runs on Netty's event loop only to route, check the token and copy the
 * request out of its buffer (released by {@link SimpleChannelInboundHandler} when this method
 * returns); guests run on the node's {@link InvokerPool} (503 when it is full), deploys and disk
 * writes on the admin executor, and each hands its answer back to the connection's event loop
 * ({@link Http#send}).
 */
@ChannelHandler.Sharable
public final class ApiHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final String FUNCTIONS = "/v1/functions";
    /** The environment of every {@code /invoke} call (immutable, shared). */
    private static final Map<String, String> INVOKE_ENV = Map.of("REQUEST_METHOD", "POST");
    private final NodeState node;

    public ApiHandler(NodeState node) {
        this.node = node;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        Http.Conn conn = Http.conn(ctx);
        if (conn.busy) {
            // pipelined behind an unanswered request: answer in order, later
            if (conn.queued.size() >= Http.Conn.MAX_QUEUED) {
                ctx.close();
                return;
            }
            conn.handler = this::handle;
            conn.queued.add(req.retain());
            return;
        }
        conn.busy = true;
        handle(ctx, req);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        Http.Conn conn = ctx.channel().attr(Http.CONN).get();
        if (conn != null) {
            FullHttpRequest q;
            while ((q = conn.queued.poll()) != null) {
                q.release();
            }
        }
        super.channelInactive(ctx);
    }

    private void handle(ChannelHandlerContext ctx, FullHttpRequest req) {
        node.httpRequests.increment();
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        if (!req.decoderResult().isSuccess()) {
            Throwable cause = req.decoderResult().cause();
            HttpResponseStatus st = cause instanceof TooLongHttpLineException ? HttpResponseStatus.REQUEST_URI_TOO_LONG
                    : cause instanceof TooLongFrameException ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                    : HttpResponseStatus.BAD_REQUEST;
            Http.send(ctx, Http.error(st, "bad_request", "malformed HTTP request: " + cause.getMessage()), false);
            return;
        }
        QueryStringDecoder uri = new QueryStringDecoder(req.uri());
        String path;
        try {
            path = uri.path();
        } catch (IllegalArgumentException e) {
            // a malformed %-escape (found by fuzzing): answer, or a pipelined connection would stall
            Http.send(ctx, Http.error(HttpResponseStatus.BAD_REQUEST, "bad_request",
                    "malformed request path: " + e.getMessage()), keepAlive);
            return;
        }
        HttpMethod method = req.method();
        Scope scope = scopeOf(ctx, req.headers().get(HttpHeaderNames.AUTHORIZATION));
        try {
            if (path.equals("/healthz")) {
                ObjectNode n = Http.JSON.createObjectNode();
                n.put("status", "ok");
                n.put("functions", node.runtime.functions().size());
                Http.send(ctx, Http.json(HttpResponseStatus.OK, n), keepAlive);
            } else if (path.equals("/metrics")) {
                if (authorized(ctx, scope, Scope.INVOKE, keepAlive)) {
                    Http.send(ctx, Http.response(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                            Metrics.render(node).getBytes(StandardCharsets.UTF_8)), keepAlive);
                }
            } else if (path.equals(FUNCTIONS) || path.equals(FUNCTIONS + "/")) {
                if (method.equals(HttpMethod.GET)) {
                    if (authorized(ctx, scope, Scope.ADMIN, keepAlive)) {
                        Http.send(ctx, Http.json(HttpResponseStatus.OK, list()), keepAlive);
                    }
                } else {
                    methodNotAllowed(ctx, keepAlive, "GET");
                }
            } else if (path.startsWith(FUNCTIONS + "/")) {
                functionRequest(ctx, req, path.substring(FUNCTIONS.length() + 1), method, scope, keepAlive);
            } else {
                String[] route = node.routeFor(path);
                if (route == null) {
                    Http.send(ctx, Http.error(HttpResponseStatus.NOT_FOUND, "not_found", "nothing is served at " + path), keepAlive);
                } else if (node.config.publicRoutes() || authorized(ctx, scope, Scope.INVOKE, keepAlive)) {
                    byte[] body = ByteBufUtil.getBytes(req.content());
                    String name = route[0];
                    Request r = RouteRequests.request(ctx, req, uri, route[1], body, shapeOf(name), node);
                    submitInvoke(ctx, keepAlive, name, r, true);
                }
            }
        } catch (RuntimeException e) {
            node.log.accept("error handling " + method + " " + path + ": " + e);
            Http.send(ctx, Http.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "host_error", e.toString()), false);
        }
    }

    /**
     * The token's scope. A connection remembers the last header it presented that verified, so a
     * keep-alive client pays for the digest once: a connection is one client, so comparing with
     * what that client itself sent before (with {@code equals}, not in constant time) tells an
     * attacker nothing it did not send. Tokens do not change while a node runs.
     */
    private Scope scopeOf(ChannelHandlerContext ctx, String authorization) {
        Http.Conn conn = Http.conn(ctx);
        if (authorization != null && authorization.equals(conn.verifiedAuthorization)) {
            return conn.verifiedScope;
        }
        Scope s = node.tokens.scopeOf(authorization);
        if (s != Scope.NONE) {
            conn.verifiedAuthorization = authorization;
            conn.verifiedScope = s;
        }
        return s;
    }

    private FunctionShape shapeOf(String name) {
        DeployedFunction d = node.runtime.registry().describe(name);
        return d == null ? FunctionShape.WASI_COMMAND : d.config().shape();
    }

    private void functionRequest(ChannelHandlerContext ctx, FullHttpRequest req, String rest, HttpMethod method,
            Scope scope, boolean keepAlive) {
        String[] parts = rest.split("/", -1);
        String name = parts[0];
        if (!Manifest.isValidName(name)) {
            Http.send(ctx, Http.error(HttpResponseStatus.BAD_REQUEST, "invalid_name", "invalid function name '" + name
                    + "' (1-64 of [A-Za-z0-9_-], starting with a letter or digit)"), keepAlive);
            return;
        }
        String sub = parts.length > 1 ? parts[1] : "";
        if (parts.length > 2 || (parts.length == 2 && !sub.equals("invoke") && !sub.equals("logs"))) {
            Http.send(ctx, Http.error(HttpResponseStatus.NOT_FOUND, "not_found", "no such endpoint: " + FUNCTIONS + "/" + rest), keepAlive);
            return;
        }
        if (sub.equals("invoke")) {
            if (!method.equals(HttpMethod.POST)) {
                methodNotAllowed(ctx, keepAlive, "POST");
            } else if (authorized(ctx, scope, Scope.INVOKE, keepAlive)) {
                byte[] body = ByteBufUtil.getBytes(req.content());
                submitInvoke(ctx, keepAlive, name, new Request(body, List.of(), INVOKE_ENV), false);
            }
            return;
        }
        if (sub.equals("logs")) {
            if (!method.equals(HttpMethod.GET)) {
                methodNotAllowed(ctx, keepAlive, "GET");
            } else if (authorized(ctx, scope, Scope.ADMIN, keepAlive)) {
                if (node.runtime.registry().describe(name) == null) {
                    notFound(ctx, keepAlive, name);
                } else {
                    int lines = 200;
                    String q = new QueryStringDecoder(req.uri()).parameters().getOrDefault("lines", List.of("200")).get(0);
                    try {
                        lines = Math.max(1, Math.min(100_000, Integer.parseInt(q)));
                    } catch (NumberFormatException ignored) {
                        // default
                    }
                    StringBuilder sb = new StringBuilder();
                    for (String l : node.logRing(name).tail(lines)) {
                        sb.append(l).append('\n');
                    }
                    Http.send(ctx, Http.text(HttpResponseStatus.OK, sb.toString()), keepAlive);
                }
            }
            return;
        }
        if (method.equals(HttpMethod.GET)) {
            if (authorized(ctx, scope, Scope.ADMIN, keepAlive)) {
                DeployedFunction d = node.runtime.registry().describe(name);
                if (d == null) {
                    notFound(ctx, keepAlive, name);
                } else {
                    Http.send(ctx, Http.json(HttpResponseStatus.OK, describe(d, true)), keepAlive);
                }
            }
        } else if (method.equals(HttpMethod.PUT) || method.equals(HttpMethod.POST)) {
            if (authorized(ctx, scope, Scope.ADMIN, keepAlive)) {
                Upload up;
                try {
                    up = Upload.parse(req);
                } catch (IllegalArgumentException e) {
                    Http.send(ctx, Http.error(HttpResponseStatus.BAD_REQUEST, "bad_upload", e.getMessage()), keepAlive);
                    return;
                } catch (UbiqException e) {
                    Http.send(ctx, deployError(e), keepAlive);
                    return;
                }
                runAdmin(ctx, keepAlive, () -> {
                    try {
                        DeployedFunction d = node.deploy(name, up.wasm(), up.manifest());
                        return Http.json(HttpResponseStatus.CREATED, describe(d, false));
                    } catch (UbiqException e) {
                        return deployError(e);
                    }
                });
            }
        } else if (method.equals(HttpMethod.DELETE)) {
            if (authorized(ctx, scope, Scope.ADMIN, keepAlive)) {
                runAdmin(ctx, keepAlive, () -> {
                    try {
                        node.delete(name);
                        return Http.response(HttpResponseStatus.NO_CONTENT, null, new byte[0]);
                    } catch (UbiqException.FunctionNotFoundException e) {
                        return Http.error(HttpResponseStatus.NOT_FOUND, "not_found", e.getMessage());
                    } catch (IOException e) {
                        return Http.error(HttpResponseStatus.INSUFFICIENT_STORAGE, "storage",
                                "could not delete function '" + name + "': " + e.getMessage());
                    }
                });
            }
        } else {
            methodNotAllowed(ctx, keepAlive, "GET, PUT, POST, DELETE");
        }
    }

    private FullHttpResponse deployError(UbiqException e) {
        if (e instanceof NodeState.StorageException) {
            return Http.error(HttpResponseStatus.INSUFFICIENT_STORAGE, "storage", e.getMessage());
        }
        if (e instanceof UbiqException.LimitExceededException && e.getMessage().contains("module size limit")) {
            return Http.error(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE, "module_too_large", e.getMessage());
        }
        String kind = switch (e) {
            case UbiqException.MalformedModuleException x -> "malformed_module";
            case UbiqException.InvalidModuleException x -> "invalid_module";
            case UbiqException.UnlinkableModuleException x -> "unlinkable_module";
            case UbiqException.InstantiationException x -> "instantiation_failed";
            case UbiqException.InvalidManifestException x -> "invalid_manifest";
            case UbiqException.LimitExceededException x -> "limit_exceeded";
            default -> "deploy_failed";
        };
        return Http.error(HttpResponseStatus.BAD_REQUEST, kind, e.getMessage());
    }

    private void runAdmin(ChannelHandlerContext ctx, boolean keepAlive, java.util.function.Supplier<FullHttpResponse> work) {
        node.admin.execute(() -> {
            FullHttpResponse r;
            try {
                r = work.get();
            } catch (RuntimeException e) {
                node.log.accept("admin request failed: " + e);
                r = Http.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "host_error", e.toString());
            }
            Http.send(ctx, r, keepAlive);
        });
    }

    private void submitInvoke(ChannelHandlerContext ctx, boolean keepAlive, String name, Request request,
            boolean route) {
        boolean admitted = node.invokers.execute(() -> {
            FullHttpResponse resp;
            try {
                InvocationResult result = node.runtime.invoke(name, request);
                record(name, result);
                resp = route && result.outcome() == Outcome.OK
                        ? RouteRequests.response(result)
                        : InvokeResponses.of(name, result);
            } catch (RuntimeException e) {
                node.log.accept("invocation of '" + name + "' failed in the host: " + e);
                resp = Http.error(HttpResponseStatus.INTERNAL_SERVER_ERROR, "host_error", e.toString());
            }
            FullHttpResponse r = resp;
            return () -> Http.send(ctx, r, keepAlive);
        });
        if (!admitted) {
            node.rejected.increment();
            FullHttpResponse r = Http.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "node_busy",
                    "the node runs its maximum of " + node.config.maxConcurrentInvocations()
                            + " concurrent invocations; retry shortly");
            r.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
            Http.send(ctx, r, keepAlive);
        }
    }

    private void record(String name, InvocationResult r) {
        node.record(r);
    }

    private boolean authorized(ChannelHandlerContext ctx, Scope have, Scope need, boolean keepAlive) {
        if (have == Scope.NONE) {
            FullHttpResponse r = Http.error(HttpResponseStatus.UNAUTHORIZED, "unauthorized",
                    "missing or unknown bearer token (send 'Authorization: Bearer <token>'; tokens are in the node's data directory)");
            r.headers().set(HttpHeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"ubiq\"");
            Http.send(ctx, r, keepAlive);
            return false;
        }
        if (have.ordinal() < need.ordinal()) {
            Http.send(ctx, Http.error(HttpResponseStatus.FORBIDDEN, "forbidden",
                    "this token has scope 'invoke'; this request needs scope 'admin'"), keepAlive);
            return false;
        }
        return true;
    }

    private static void methodNotAllowed(ChannelHandlerContext ctx, boolean keepAlive, String allow) {
        FullHttpResponse r = Http.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "method_not_allowed", "allowed: " + allow);
        r.headers().set(HttpHeaderNames.ALLOW, allow);
        Http.send(ctx, r, keepAlive);
    }

    private static void notFound(ChannelHandlerContext ctx, boolean keepAlive, String name) {
        Http.send(ctx, Http.error(HttpResponseStatus.NOT_FOUND, "not_found", "no function named '" + name + "' is deployed"), keepAlive);
    }

    private ObjectNode list() {
        ObjectNode root = Http.JSON.createObjectNode();
        ArrayNode arr = root.putArray("functions");
        for (DeployedFunction d : node.runtime.functions()) {
            arr.add(describe(d, false));
        }
        return root;
    }

    private ObjectNode describe(DeployedFunction d, boolean full) {
        ObjectNode n = Http.JSON.createObjectNode();
        n.put("name", d.name());
        n.put("version", d.version());
        n.put("shape", d.config().shape().manifestName());
        if (d.config().route() != null) {
            n.put("route", d.config().route());
        }
        n.put("mode", d.mode().name().toLowerCase(java.util.Locale.ROOT));
        n.put("sha256", d.module().sha256());
        n.put("size_bytes", d.module().sizeBytes());
        n.put("compile_cached", d.compileCached());
        n.put("deployed_at", java.time.Instant.ofEpochMilli(d.deployedAtEpochMs()).toString());
        if (full) {
            ArrayNode versions = n.putArray("stored_versions");
            node.store.versions(d.name()).forEach(versions::add);
            ObjectNode cfg = n.putObject("config");
            cfg.put("max_memory_bytes", d.config().maxMemoryBytes());
            cfg.put("timeout_ms", d.config().timeoutMs());
            cfg.put("max_concurrency", d.config().maxConcurrency());
            cfg.put("min_warm", d.config().minWarm());
            cfg.put("idle_ttl_ms", d.config().idleTtlMs());
            cfg.put("reuse_instances", d.config().reuseInstances());
            cfg.put("init", d.config().initExport());
            cfg.put("snapshot", d.config().snapshot());
            ArrayNode caps = cfg.putArray("capabilities");
            d.config().capabilities().forEach(c -> caps.add(c.toString()));
            ArrayNode exports = n.putArray("exports");
            d.module().exports().forEach(e -> exports.add(e.name() + " " + e.kind() + " " + e.type()));
            ArrayNode imports = n.putArray("imports");
            d.module().imports().forEach(i -> imports.add(i.module() + "." + i.name() + " " + i.kind() + " " + i.type()));
            FunctionStats s = node.runtime.registry().stats(d.name());
            if (s != null) {
                ObjectNode st = n.putObject("stats");
                st.put("invocations", s.invocations());
                ObjectNode oc = st.putObject("outcomes");
                s.outcomes().forEach((k, v) -> {
                    if (v > 0) {
                        oc.put(k.name().toLowerCase(java.util.Locale.ROOT), v);
                    }
                });
                st.put("latency_p50_us", s.latencyP50Ns() / 1000.0);
                st.put("latency_p99_us", s.latencyP99Ns() / 1000.0);
                st.put("in_flight", s.inFlight());
                st.put("live_instances", s.liveInstances());
                st.put("idle_instances", s.idleInstances());
                st.put("memory_high_water_bytes", s.memoryHighWaterBytes());
            }
        }
        return n;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!(cause instanceof IOException)) {
            node.log.accept("connection " + remote(ctx) + " failed: " + cause);
        }
        ctx.close();
    }

    private static String remote(ChannelHandlerContext ctx) {
        return ctx.channel().remoteAddress() instanceof InetSocketAddress a ? a.toString() : "?";
    }

    /** A module upload: {@code application/wasm} body, or multipart with parts {@code module} and {@code manifest}. */
    record Upload(byte[] wasm, Manifest manifest) {
        static Upload parse(FullHttpRequest req) {
            String ct = req.headers().get(HttpHeaderNames.CONTENT_TYPE, "");
            if (ct.startsWith("multipart/form-data")) {
                HttpPostRequestDecoder dec;
                try {
                    // the constructor already decodes the body (found by fuzzing: a malformed part header)
                    dec = new HttpPostRequestDecoder(new DefaultHttpDataFactory(false), req);
                } catch (RuntimeException e) {
                    // Netty's decoder signals some malformed bodies with plain runtime exceptions
                    // (an index out of bounds on a garbled part header, found by fuzzing)
                    throw new IllegalArgumentException("malformed multipart body: " + e);
                }
                try {
                    byte[] wasm = null;
                    Manifest manifest = null;
                    for (InterfaceHttpData part : dec.getBodyHttpDatas()) {
                        byte[] bytes;
                        try {
                            bytes = part instanceof FileUpload f ? f.get() : part instanceof Attribute a ? a.get() : null;
                        } catch (IOException e) {
                            throw new IllegalArgumentException("cannot read part '" + part.getName() + "': " + e.getMessage());
                        }
                        if (bytes == null) {
                            continue;
                        }
                        switch (part.getName()) {
                            case "module" -> wasm = bytes;
                            case "manifest" -> {
                                String text = new String(bytes, StandardCharsets.UTF_8);
                                String filename = part instanceof FileUpload f ? f.getFilename() : "";
                                manifest = filename.endsWith(".json") || text.stripLeading().startsWith("{")
                                        ? Manifest.parseJson(text) : Manifest.parseToml(text);
                            }
                            default -> throw new IllegalArgumentException("unknown form part '" + part.getName()
                                    + "' (expected 'module' and optionally 'manifest')");
                        }
                    }
                    if (wasm == null) {
                        throw new IllegalArgumentException("the form has no 'module' part");
                    }
                    return new Upload(wasm, manifest == null ? Manifest.parseJson("{}") : manifest);
                } catch (UbiqException | IllegalArgumentException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("malformed multipart body: " + e);
                } finally {
                    // a part cut off before its delimiter is not released by destroy() (found by fuzzing)
                    var partial = dec.currentPartialHttpData();
                    if (partial != null && partial.refCnt() > 0) {
                        partial.release();
                    }
                    dec.destroy();
                }
            }
            if (!ct.isEmpty() && !ct.startsWith("application/wasm") && !ct.startsWith("application/octet-stream")) {
                throw new IllegalArgumentException("upload the module as application/wasm, or as multipart/form-data "
                        + "with parts 'module' and 'manifest'; got Content-Type " + ct);
            }
            return new Upload(ByteBufUtil.getBytes(req.content()), Manifest.parseJson("{}"));
        }
    }
}
