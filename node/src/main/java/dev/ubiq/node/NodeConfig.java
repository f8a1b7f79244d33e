package dev.ubiq.node;

import dev.ubiq.runtime.Limits;
import java.nio.file.Path;

/**
 * How a node runs. Immutable; build with {@link UbiqNode#builder()}.
 *
 * @param bindAddress address to listen on. Default {@code 127.0.0.1}: a node is reachable from
 *     other machines only when asked ({@code 0.0.0.0})
 * @param port TCP port; 0 picks a free one. Default 8080
 * @param dataDir modules, manifests, tokens, the compiled-code cache and pre-initialised snapshots
 *     ({@code snapshots/NAME/vN.snapshot}). Default
 *     {@code $XDG_DATA_HOME/ubiq} or {@code ~/.local/share/ubiq}
 * @param limits the runtime's limits (module, payload, memory, deadline, concurrency)
 * @param maxConcurrentInvocations invocations running at once on the node, all functions
 *     together; one platform thread each. Beyond it a request gets 503 at once. Default 64
 * @param requestTimeoutMs a request must arrive completely (headers and body) within this
 *     time, or it gets 408 and the connection is closed. Default 30 s
 * @param idleTimeoutMs a keep-alive connection with no request for this long is closed. Default 60 s
 * @param maxHeaderBytes largest request header block; larger gets 431. Default 16 KiB
 * @param publicRoutes whether manifest routes may be called without a token. Default false
 * @param tlsCert PEM certificate chain for HTTPS, or {@code null} for plain HTTP
 * @param tlsKey PEM PKCS#8 private key for HTTPS, or {@code null}
 * @param logLinesPerFunction lines kept in each function's log ring. Default 1000
 */
public record NodeConfig(
        String bindAddress,
        int port,
        Path dataDir,
        Limits limits,
        int maxConcurrentInvocations,
        long requestTimeoutMs,
        long idleTimeoutMs,
        int maxHeaderBytes,
        boolean publicRoutes,
        Path tlsCert,
        Path tlsKey,
        int logLinesPerFunction) {

    /** The default data directory: {@code $XDG_DATA_HOME/ubiq}, else {@code ~/.local/share/ubiq}. */
    public static Path defaultDataDir() {
        String xdg = System.getenv("XDG_DATA_HOME");
        Path base = xdg != null && !xdg.isBlank()
                ? Path.of(xdg)
                : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("ubiq");
    }
}
