package dev.ubiq.node.internal;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.ubiq.runtime.InvocationResult;
import dev.ubiq.runtime.Outcome;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Maps an invocation's outcome to HTTP. Success is the raw response body; every failure is the
 * JSON error shape with the outcome as its kind.
 *
 * <pre>
 * OK 200 | GUEST_ERROR, TRAP, MEMORY_LIMIT, HOST_ERROR 500 | TIMEOUT 504 | BUSY 429 (Retry-After)
 * PAYLOAD_TOO_LARGE 413 | NOT_FOUND 404
 * </pre>
 *
 * Headers on every invocation response: {@code Ubiq-Outcome}, and when it ran {@code Ubiq-Version},
 * {@code Ubiq-Invocation-Id}, {@code Ubiq-Duration-Us}.
 */
final class InvokeResponses {
    /** Log bytes echoed in an error response, to help whoever called without access to logs. */
    static final int LOG_IN_ERROR_BYTES = 4096;

    private InvokeResponses() {}

    static HttpResponseStatus status(Outcome o) {
        return switch (o) {
            case OK -> HttpResponseStatus.OK;
            case TIMEOUT -> HttpResponseStatus.GATEWAY_TIMEOUT;
            case BUSY -> HttpResponseStatus.TOO_MANY_REQUESTS;
            case PAYLOAD_TOO_LARGE -> HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE;
            case NOT_FOUND -> HttpResponseStatus.NOT_FOUND;
            case GUEST_ERROR, TRAP, MEMORY_LIMIT, HOST_ERROR -> HttpResponseStatus.INTERNAL_SERVER_ERROR;
        };
    }

    static FullHttpResponse of(String name, InvocationResult r) {
        FullHttpResponse resp;
        if (r.outcome() == Outcome.OK) {
            resp = Http.response(HttpResponseStatus.OK, "application/octet-stream", r.output());
        } else {
            ObjectNode n = Http.JSON.createObjectNode();
            n.put("error", r.outcome().name().toLowerCase(Locale.ROOT));
            n.put("message", r.message());
            n.put("function", name);
            if (r.outcome() == Outcome.GUEST_ERROR || r.exitCode() > 0) {
                n.put("exit_code", r.exitCode());
            }
            if (r.log().length > 0) {
                int len = Math.min(LOG_IN_ERROR_BYTES, r.log().length);
                n.put("log", new String(r.log(), r.log().length - len, len, StandardCharsets.UTF_8));
            }
            resp = Http.json(status(r.outcome()), n);
            if (r.outcome() == Outcome.BUSY) {
                resp.headers().set(HttpHeaderNames.RETRY_AFTER, "1");
            }
        }
        headers(resp, r);
        return resp;
    }

    static void headers(FullHttpResponse resp, InvocationResult r) {
        resp.headers().set("Ubiq-Outcome", r.outcome().name().toLowerCase(Locale.ROOT));
        if (r.metering() != null) {
            resp.headers().set("Ubiq-Version", r.metering().version());
            resp.headers().set("Ubiq-Invocation-Id", r.metering().invocationId());
            resp.headers().set("Ubiq-Duration-Us", r.metering().wallNs() / 1000);
        }
    }
}
