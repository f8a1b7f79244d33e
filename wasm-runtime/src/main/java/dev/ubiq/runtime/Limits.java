package dev.ubiq.runtime;

/**
 * Node-wide limits: the defaults a function gets when its manifest says nothing, and the caps no
 * manifest may exceed. Immutable; build with {@link #builder()}.
 *
 * <pre>{@code
 * Limits limits = Limits.builder().withDefaultMaxMemoryBytes(64L << 20).withDefaultTimeoutMs(2_000).build();
 * }</pre>
 *
 * @param maxModuleBytes largest module accepted by deploy. Default 32 MiB. Parsing and compiling a
 *     module costs roughly 20x its size in heap while it runs.
 * @param maxPayloadBytes largest request body. Default 8 MiB; the request is held in heap once.
 * @param maxResponseBytes largest response (stdout or reactor result). Default 16 MiB.
 * @param maxLogBytesPerInvocation stderr kept per invocation, the rest dropped. Default 64 KiB.
 * @param defaultMaxMemoryBytes linear memory limit of a function whose manifest sets none.
 *     Default 128 MiB. This is heap: every live instance may take that much.
 * @param maxMemoryCapBytes highest memory limit a manifest may ask for. Default 1 GiB.
 * @param defaultTimeoutMs deadline of one invocation when the manifest sets none. Default 10 s.
 * @param maxTimeoutMs highest deadline a manifest may ask for. Default 300 s.
 * @param defaultMaxConcurrency concurrent invocations per function when unset. Default 16.
 * @param maxConcurrencyCap highest concurrency a manifest may ask for. Default 1024.
 */
public record Limits(
        long maxModuleBytes,
        int maxPayloadBytes,
        int maxResponseBytes,
        int maxLogBytesPerInvocation,
        long defaultMaxMemoryBytes,
        long maxMemoryCapBytes,
        long defaultTimeoutMs,
        long maxTimeoutMs,
        int defaultMaxConcurrency,
        int maxConcurrencyCap) {

    /** Wasm32 cannot address more than 4 GiB. */
    public static final long WASM32_MAX_MEMORY_BYTES = 65536L * 65536L;

    public Limits {
        positive("maxModuleBytes", maxModuleBytes);
        positive("maxPayloadBytes", maxPayloadBytes);
        positive("maxResponseBytes", maxResponseBytes);
        positive("maxLogBytesPerInvocation", maxLogBytesPerInvocation);
        positive("defaultMaxMemoryBytes", defaultMaxMemoryBytes);
        positive("maxMemoryCapBytes", maxMemoryCapBytes);
        positive("defaultTimeoutMs", defaultTimeoutMs);
        positive("maxTimeoutMs", maxTimeoutMs);
        positive("defaultMaxConcurrency", defaultMaxConcurrency);
        positive("maxConcurrencyCap", maxConcurrencyCap);
        if (maxMemoryCapBytes > WASM32_MAX_MEMORY_BYTES) {
            throw new IllegalArgumentException("maxMemoryCapBytes above 4 GiB: " + maxMemoryCapBytes);
        }
        if (defaultMaxMemoryBytes > maxMemoryCapBytes) {
            throw new IllegalArgumentException("defaultMaxMemoryBytes " + defaultMaxMemoryBytes
                    + " exceeds maxMemoryCapBytes " + maxMemoryCapBytes);
        }
        if (defaultTimeoutMs > maxTimeoutMs) {
            throw new IllegalArgumentException("defaultTimeoutMs " + defaultTimeoutMs
                    + " exceeds maxTimeoutMs " + maxTimeoutMs);
        }
        if (defaultMaxConcurrency > maxConcurrencyCap) {
            throw new IllegalArgumentException("defaultMaxConcurrency " + defaultMaxConcurrency
                    + " exceeds maxConcurrencyCap " + maxConcurrencyCap);
        }
    }

    private static void positive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive, got " + v);
        }
    }

    /** The documented defaults. */
    public static Limits defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** A builder starting from {@link #defaults()}. */
    public static final class Builder {
        private long maxModuleBytes = 32L << 20;
        private int maxPayloadBytes = 8 << 20;
        private int maxResponseBytes = 16 << 20;
        private int maxLogBytesPerInvocation = 64 << 10;
        private long defaultMaxMemoryBytes = 128L << 20;
        private long maxMemoryCapBytes = 1L << 30;
        private long defaultTimeoutMs = 10_000;
        private long maxTimeoutMs = 300_000;
        private int defaultMaxConcurrency = 16;
        private int maxConcurrencyCap = 1024;

        public Builder withMaxModuleBytes(long v) {
            maxModuleBytes = v;
            return this;
        }

        public Builder withMaxPayloadBytes(int v) {
            maxPayloadBytes = v;
            return this;
        }

        public Builder withMaxResponseBytes(int v) {
            maxResponseBytes = v;
            return this;
        }

        public Builder withMaxLogBytesPerInvocation(int v) {
            maxLogBytesPerInvocation = v;
            return this;
        }

        /** Also raises the cap when the new default is above it. */
        public Builder withDefaultMaxMemoryBytes(long v) {
            defaultMaxMemoryBytes = v;
            maxMemoryCapBytes = Math.max(maxMemoryCapBytes, v);
            return this;
        }

        /** Also lowers the default when it is above the new cap. */
        public Builder withMaxMemoryCapBytes(long v) {
            maxMemoryCapBytes = v;
            defaultMaxMemoryBytes = Math.min(defaultMaxMemoryBytes, v);
            return this;
        }

        /** Also raises the cap when the new default is above it. */
        public Builder withDefaultTimeoutMs(long v) {
            defaultTimeoutMs = v;
            maxTimeoutMs = Math.max(maxTimeoutMs, v);
            return this;
        }

        /** Also lowers the default when it is above the new cap. */
        public Builder withMaxTimeoutMs(long v) {
            maxTimeoutMs = v;
            defaultTimeoutMs = Math.min(defaultTimeoutMs, v);
            return this;
        }

        /** Also raises the cap when the new default is above it. */
        public Builder withDefaultMaxConcurrency(int v) {
            defaultMaxConcurrency = v;
            maxConcurrencyCap = Math.max(maxConcurrencyCap, v);
            return this;
        }

        /** Also lowers the default when it is above the new cap. */
        public Builder withMaxConcurrencyCap(int v) {
            maxConcurrencyCap = v;
            defaultMaxConcurrency = Math.min(defaultMaxConcurrency, v);
            return this;
        }

        /** Validates and returns the limits. */
        public Limits build() {
            return new Limits(maxModuleBytes, maxPayloadBytes, maxResponseBytes,
                    maxLogBytesPerInvocation, defaultMaxMemoryBytes, maxMemoryCapBytes,
                    defaultTimeoutMs, maxTimeoutMs, defaultMaxConcurrency, maxConcurrencyCap);
        }
    }
}
