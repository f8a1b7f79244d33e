package dev.ubiq.runtime;

import java.nio.charset.StandardCharsets;

/**
 * How one invocation ended: an expected outcome is a value here, never an exception.
 *
 * <pre>{@code
 * InvocationResult r = runtime.invoke("hello", Request.of("hi"));
 * if (r.outcome() == Outcome.OK) System.out.print(r.outputAsString());
 * else System.err.println(r.outcome() + ": " + r.message());
 * }</pre>
 *
 * @param outcome how it ended
 * @param output response body (stdout of a WASI command, the handler's result for a reactor)
 * @param log what the guest wrote to stderr (and a reactor's stdout), capped per invocation
 * @param exitCode a WASI command's exit code (0 on success); 0 for reactors; -1 when it never exited
 * @param message empty on success; otherwise one line naming the function, the limit and the value
 * @param metering what the invocation used; {@code null} only for {@link Outcome#NOT_FOUND}
 */
public record InvocationResult(
        Outcome outcome, byte[] output, byte[] log, int exitCode, String message, MeteringRecord metering) {

    public boolean ok() {
        return outcome == Outcome.OK;
    }

    public String outputAsString() {
        return new String(output, StandardCharsets.UTF_8);
    }

    public String logAsString() {
        return new String(log, StandardCharsets.UTF_8);
    }
}
