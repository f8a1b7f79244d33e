package dev.ubiq.conformance.fuzz;

import dev.ubiq.runtime.InvocationResult;
import dev.ubiq.runtime.Limits;
import dev.ubiq.runtime.Manifest;
import dev.ubiq.runtime.Outcome;
import dev.ubiq.runtime.Request;
import dev.ubiq.runtime.UbiqException;
import dev.ubiq.runtime.UbiqRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What must hold for any bytes uploaded as a module, whatever they are:
 *
 * <ol>
 *   <li>{@code deploy} either succeeds or throws a {@link UbiqException} subtype (malformed,
 *       invalid, unlinkable, instantiation, limit): nothing else escapes it;</li>
 *   <li>when it succeeds, one {@code invoke} returns a result and never throws, and that result
 *       is not {@link Outcome#HOST_ERROR} (a host error on a guest's behalf is a runtime bug);</li>
 *   <li>the runtime stays usable: a known-good function deployed beforehand still answers.</li>
 * </ol>
 *
 * A break that is already reported is thrown as a {@link KnownIssue} (an AssertionError that
 * names the issue), so the fuzzer can pass over it and keep looking for new ones while the
 * regression test keeps tracking it.
 *
 * <p>The fuzz target ({@link UploadPathFuzz}) and the regression test over the committed inputs
 * ({@link UploadPathRegressionTest}) share this one oracle. Limits are small so a hostile module
 * costs little: 100 ms per deploy trial and per call, 4 MiB of linear memory, 64 KiB out.
 */
final class UploadPathOracle implements AutoCloseable {
    static final Path ROOT = Path.of(System.getProperty("ubiq.root", "..")).toAbsolutePath().normalize();
    private static final String CANARY = "canary";
    private static final String TARGET = "fuzzed";
    private static final byte[] BODY = "fuzz".getBytes(StandardCharsets.UTF_8);

    private final UbiqRuntime runtime;

    UploadPathOracle() {
        runtime = UbiqRuntime.builder()
                .withLimits(Limits.builder()
                        .withMaxModuleBytes(1L << 20)
                        .withDefaultMaxMemoryBytes(4L << 20)
                        .withMaxMemoryCapBytes(4L << 20)
                        .withDefaultTimeoutMs(100)
                        .withMaxResponseBytes(64 << 10)
                        .withMaxLogBytesPerInvocation(4 << 10)
                        .withDefaultMaxConcurrency(1)
                        .build())
                .withLogSink(line -> { })
                .build();
        try {
            runtime.deploy(Files.readAllBytes(ROOT.resolve("guests/out/echo_reactor.wasm")),
                    Manifest.builder(CANARY).withTimeoutMs(5_000).build());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        checkCanary("before any input");
    }

    /** Throws {@link AssertionError} when {@code wasm} breaks a rule above. */
    void check(byte[] wasm) {
        boolean deployed = false;
        try {
            runtime.deploy(TARGET, wasm);
            deployed = true;
        } catch (UbiqException expected) {
            // the documented way to refuse a module
        } catch (Throwable t) {
            String known = KnownIssue.classify(t);
            String what = "deploy threw " + t.getClass().getName() + ", not a UbiqException: " + t.getMessage();
            throw known != null ? new KnownIssue(known, what, t) : new AssertionError(what, t);
        }
        if (deployed) {
            InvocationResult r;
            try {
                r = runtime.invoke(TARGET, Request.of(BODY));
            } catch (Throwable t) {
                throw new AssertionError("invoke threw " + t.getClass().getName() + " instead of returning a result: "
                        + t.getMessage(), t);
            } finally {
                runtime.undeploy(TARGET);
            }
            if (r == null || r.outcome() == null) {
                throw new AssertionError("invoke returned no outcome");
            }
            if (r.outcome() == Outcome.HOST_ERROR) {
                throw new AssertionError("invoke ended in HOST_ERROR: " + r.message());
            }
        }
        checkCanary("after this input");
    }

    private void checkCanary(String when) {
        InvocationResult r = runtime.invoke(CANARY, Request.of("ping"));
        if (!r.ok() || !r.outputAsString().equals("echo:ping")) {
            throw new AssertionError("the known-good function stopped working " + when + ": " + r.outcome() + " "
                    + r.message() + " [" + r.outputAsString() + "]");
        }
    }

    /** A rule broken in a way already reported; {@link #issue()} says which. */
    static final class KnownIssue extends AssertionError {
        /**
         * Chicory 1.7.5's parser checks some invariants of malformed code with Java {@code assert}
         * (AnnotatedInstruction.Builder.build on an {@code else} without its {@code if}, found by
         * this fuzzer: crash-0705d43a...). With assertions enabled (-ea, as in every surefire
         * run) the AssertionError escapes UbiqRuntime.deploy instead of an InvalidModuleException;
         * without -ea the validator rejects the module properly. Fix belongs in wasm-runtime's
         * ChicoryEngine.parse: wrap an AssertionError from Chicory's parser as malformed/invalid.
         */
        static final String CHICORY_PARSER_ASSERT = "chicory-parser-assert";

        private final String issue;

        KnownIssue(String issue, String message, Throwable cause) {
            super("[known issue " + issue + "] " + message, cause);
            this.issue = issue;
        }

        String issue() {
            return issue;
        }

        /** The known issue {@code t} is an instance of, or {@code null}. */
        static String classify(Throwable t) {
            if (t.getClass() == AssertionError.class && t.getStackTrace().length > 0
                    && t.getStackTrace()[0].getClassName().startsWith("com.dylibso.chicory.wasm.")) {
                return CHICORY_PARSER_ASSERT;
            }
            return null;
        }
    }

    @Override
    public void close() {
        runtime.close();
    }
}
