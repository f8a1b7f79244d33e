package dev.ubiq.runtime;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * One invocation's input. For a WASI command the body is stdin, {@code args} follow the program
 * name and the manifest's args, and {@code env} is added to the manifest's environment (request
 * metadata, CGI style). A reactor receives the body only.
 *
 * <p>The body array is not copied: the caller must not change it until the invocation returns.
 */
public record Request(byte[] body, List<String> args, Map<String, String> env) {
    private static final byte[] EMPTY = new byte[0];

    public Request {
        body = body == null ? EMPTY : body;
        args = List.copyOf(args);
        env = Map.copyOf(env);
    }

    public static Request of(byte[] body) {
        return new Request(body, List.of(), Map.of());
    }

    public static Request of(String body) {
        return of(body.getBytes(StandardCharsets.UTF_8));
    }

    public static Request empty() {
        return of(EMPTY);
    }
}
