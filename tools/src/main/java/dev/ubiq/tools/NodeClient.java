package dev.ubiq.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import javax.net.ssl.SSLException;

/**
 * One command's connection to a node's HTTP API. Turns what can go wrong on the way (no node, bad
 * token, an error response) into one {@link CliFailure} line that says what to do.
 *
 * <pre>{@code
 * try (NodeClient c = new NodeClient(options.resolve(io.env()), io)) {
 *     NodeClient.Response r = c.send("GET", "/v1/functions", null, null, NodeClient.ADMIN_TIMEOUT);
 *     if (!r.ok()) throw c.failure(r);
 * }
 * }</pre>
 */
final class NodeClient implements AutoCloseable {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** Listing, deleting, logs, health: the node answers at once. */
    static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(60);
    /** A deploy compiles the module: seconds for large ones. */
    static final Duration DEPLOY_TIMEOUT = Duration.ofMinutes(10);
    /** Above the node's largest deadline (300 s), so the node's 504 arrives first. */
    static final Duration INVOKE_TIMEOUT = Duration.ofMinutes(6);
    /** Uploads above this show a progress bar when stderr is a terminal. */
    static final int PROGRESS_THRESHOLD_BYTES = 1 << 20;
    static final ObjectMapper JSON = new ObjectMapper();

    private final ClientOptions.Target target;
    private final UbiqCli.Io io;
    private final HttpClient http;

    NodeClient(ClientOptions.Target target, UbiqCli.Io io) {
        this.target = target;
        this.io = io;
        // HTTP/1.1: the node speaks nothing else, and an h2c upgrade offer would only cost bytes
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(CONNECT_TIMEOUT)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    ClientOptions.Target target() {
        return target;
    }

    /** A response, its body read completely. */
    record Response(int status, String outcome, byte[] body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /** The JSON body, or {@code null} when it is not JSON. */
        JsonNode json() {
            try {
                JsonNode n = JSON.readTree(body);
                return n != null && n.isObject() ? n : null;
            } catch (IOException e) {
                return null;
            }
        }

        /** The {@code error} kind of a JSON error body, else {@code http_STATUS}. */
        String errorKind() {
            JsonNode n = json();
            return n != null && n.hasNonNull("error") ? n.get("error").asText() : "http_" + status;
        }

        /** The {@code message} of a JSON error body, else the start of the body. */
        String errorMessage() {
            JsonNode n = json();
            if (n != null && n.hasNonNull("message")) {
                return n.get("message").asText();
            }
            String t = text().strip();
            if (t.isEmpty()) {
                return "the node answered HTTP " + status + " with no error body";
            }
            return t.length() > 200 ? t.substring(0, 200) + "..." : t;
        }
    }

    /**
     * Sends one request with the bearer token, if there is one.
     *
     * @param path starts with {@code /}, query included
     * @param body {@code null} for none
     * @throws CliFailure when the node cannot be reached or the connection fails
     */
    Response send(String method, String path, BodyPublisher body, String contentType, Duration timeout) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(target.url() + path))
                .timeout(timeout)
                .method(method, body == null ? BodyPublishers.noBody() : body);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (target.token() != null) {
            b.header("Authorization", "Bearer " + target.token());
        }
        try {
            HttpResponse<byte[]> r = http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Response(r.statusCode(), r.headers().firstValue("Ubiq-Outcome").orElse(null), r.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliFailure(ExitCodes.HOST_ERROR, "interrupted while waiting for the node at " + target.url());
        } catch (HttpConnectTimeoutException e) {
            throw unreachable("connection timed out after " + CONNECT_TIMEOUT.toSeconds() + " s");
        } catch (HttpTimeoutException e) {
            throw new CliFailure(ExitCodes.HOST_ERROR, "the node at " + target.url() + " did not answer "
                    + method + " " + path + " within " + timeout.toSeconds() + " s");
        } catch (IOException e) {
            Throwable root = rootCause(e);
            if (root instanceof ConnectException) {
                String m = root.getMessage() == null ? "" : root.getMessage().toLowerCase(Locale.ROOT);
                throw unreachable(m.isEmpty() || m.contains("refused") ? "connection refused" : root.getMessage());
            }
            if (root instanceof UnresolvedAddressException || root instanceof java.net.UnknownHostException) {
                throw unreachable("unknown host " + target.baseUri().getHost());
            }
            if (root instanceof SSLException) {
                throw new CliFailure(ExitCodes.HOST_ERROR, "TLS with the node at " + target.url() + " failed: "
                        + root.getMessage() + " (is its certificate trusted by this JVM, and is it serving https?)");
            }
            throw new CliFailure(ExitCodes.HOST_ERROR, method + " " + target.url() + path + " failed: "
                    + (root.getMessage() == null ? root.toString() : root.getMessage()));
        }
    }

    private CliFailure unreachable(String why) {
        return new CliFailure(ExitCodes.HOST_ERROR, "cannot reach the node at " + target.url() + " (" + why
                + "); start one with 'ubiq serve' or set --node/" + ClientOptions.NODE_ENV);
    }

    /**
     * A {@link ConnectException} anywhere in the chain (HttpClient wraps a refused connection in
     * one, sometimes over a {@code ClosedChannelException}), else the deepest cause.
     */
    private static Throwable rootCause(Throwable t) {
        Throwable deepest = t;
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof ConnectException) {
                return c;
            }
            deepest = c;
        }
        return deepest;
    }

    /**
     * The failure line for an error response that no command maps more precisely: missing or
     * rejected token (401), a token of too small a scope (403), or the node's own error kind and
     * message.
     */
    CliFailure failure(Response r) {
        if (r.status() == 401) {
            if (target.token() == null) {
                return new CliFailure(ExitCodes.HOST_ERROR, "the node at " + target.url()
                        + " needs a token and none was found (tried " + String.join(", ", target.tokenSourcesTried())
                        + "); pass --token, set " + ClientOptions.TOKEN_ENV
                        + ", or 'token' in the config file (the node keeps its tokens in DATA_DIR/admin.token and invoke.token)");
            }
            return new CliFailure(ExitCodes.HOST_ERROR, "the node at " + target.url() + " rejected the token from "
                    + target.tokenSource() + " (401 unauthorized; sources in order: --token, "
                    + ClientOptions.TOKEN_ENV + ", the config file's 'token', a local node's DATA_DIR/admin.token); "
                    + "use the admin.token or invoke.token from that node's data directory");
        }
        if (r.status() == 403) {
            return new CliFailure(ExitCodes.HOST_ERROR, "this needs an admin token: the token from "
                    + target.tokenSource() + " is not one (" + r.errorMessage()
                    + "); use DATA_DIR/admin.token of the node at " + target.url());
        }
        return new CliFailure(exitCodeFor(r.errorKind()), r.errorKind() + ": " + r.errorMessage());
    }

    /** Deploy error kinds map to the exit codes {@code ubiq run} gives the same failures. */
    static int exitCodeFor(String kind) {
        return switch (kind) {
            case "malformed_module", "invalid_module", "unlinkable_module", "instantiation_failed", "module_too_large" ->
                ExitCodes.BAD_MODULE;
            case "limit_exceeded" -> ExitCodes.MEMORY_LIMIT;
            case "invalid_manifest", "invalid_name", "bad_upload" -> ExitCodes.USAGE;
            default -> ExitCodes.HOST_ERROR;
        };
    }

    /** The body; with a progress bar on stderr for large uploads when stderr is a terminal. */
    BodyPublisher upload(byte[] body) {
        if (body.length <= PROGRESS_THRESHOLD_BYTES || !io.errIsTerminal()) {
            return BodyPublishers.ofByteArray(body);
        }
        Progress progress = new Progress(io.err(), body.length);
        return BodyPublishers.fromPublisher(
                BodyPublishers.ofInputStream(() -> progress.counting(new ByteArrayInputStream(body))), body.length);
    }

    @Override
    public void close() {
        http.close();
    }

    /**
     * {@code upload  42%  12.0/28.5 MiB} on one terminal line, redrawn at most every 100 ms and
     * ended with a newline at 100%.
     */
    static final class Progress {
        private final PrintStream err;
        private final long total;
        private long sent;
        private long lastDrawNs;
        private boolean done;

        Progress(PrintStream err, long total) {
            this.err = err;
            this.total = total;
        }

        InputStream counting(InputStream in) {
            sent = 0;
            done = false;
            return new FilterInputStream(in) {
                @Override
                public int read() throws IOException {
                    int b = super.read();
                    advance(b < 0 ? 0 : 1);
                    return b;
                }

                @Override
                public int read(byte[] buf, int off, int len) throws IOException {
                    int n = super.read(buf, off, len);
                    advance(Math.max(n, 0));
                    return n;
                }
            };
        }

        private synchronized void advance(int n) {
            sent += n;
            long now = System.nanoTime();
            if (done || (sent < total && now - lastDrawNs < 100_000_000L)) {
                return;
            }
            lastDrawNs = now;
            err.printf(Locale.ROOT, "\rupload %3d%%  %.1f/%.1f MiB", sent * 100 / total, sent / 1048576.0, total / 1048576.0);
            if (sent >= total) {
                err.println();
                done = true;
            }
            err.flush();
        }
    }
}
