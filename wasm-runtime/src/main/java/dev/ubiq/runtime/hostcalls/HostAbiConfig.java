package dev.ubiq.runtime.hostcalls;

/**
 * Node-wide settings of host ABI v1 ({@code ubiq:v1}): key-value caps and backend, call depth,
 * spawn and channel bounds. Immutable; every knob has a default.
 *
 * <pre>{@code
 * HostAbiConfig abi = HostAbiConfig.builder()
 *         .withKvMaxBytes(16L << 20)
 *         .withKvBackend(new FileKvBackend(dataDir.resolve("kv")))
 *         .build();
 * UbiqRuntime rt = UbiqRuntime.builder().withHostAbi(abi).build();
 * }</pre>
 *
 * @param kvMaxBytes bytes of keys plus values the in-memory KV store holds, all namespaces
 *     together (default 64 MiB, held on the heap); a put above it returns {@code FULL}
 * @param kvMaxKeyBytes longest key (default 1 KiB)
 * @param kvMaxValueBytes largest value (default 1 MiB)
 * @param kvBackend persistent store behind the memory one, or {@code null} (default: memory only)
 * @param maxCallDepth longest call chain, the top-level invocation being depth 0 (default 8); each
 *     level holds a Java stack of the callee on the caller's thread
 * @param maxSpawnsPerInvocation outstanding {@code spawn} handles one invocation may hold (default 64)
 * @param maxConcurrentSpawns spawned invocations running at once on the node (default 256, each on
 *     a virtual thread); above it {@code spawn} returns {@code BUSY}
 * @param channelCapacity messages a channel holds before {@code channel_send} reports {@code FULL}
 *     (default 64; a full channel of the largest messages holds capacity x max message bytes)
 * @param channelMaxMessageBytes largest channel message (default 1 MiB)
 * @param maxChannels channels a node creates at most (default 1024)
 * @param channelMaxQueuedBytes bytes of messages waiting in all channels together (default 64 MiB,
 *     held on the heap); a send above it returns {@code FULL}
 */
public record HostAbiConfig(long kvMaxBytes, int kvMaxKeyBytes, int kvMaxValueBytes, KvBackend kvBackend,
        int maxCallDepth, int maxSpawnsPerInvocation, int maxConcurrentSpawns, int channelCapacity,
        int channelMaxMessageBytes, int maxChannels, long channelMaxQueuedBytes) {

    public HostAbiConfig {
        positive("kvMaxBytes", kvMaxBytes);
        positive("kvMaxKeyBytes", kvMaxKeyBytes);
        positive("kvMaxValueBytes", kvMaxValueBytes);
        positive("maxCallDepth", maxCallDepth);
        positive("maxSpawnsPerInvocation", maxSpawnsPerInvocation);
        positive("maxConcurrentSpawns", maxConcurrentSpawns);
        positive("channelCapacity", channelCapacity);
        positive("channelMaxMessageBytes", channelMaxMessageBytes);
        positive("maxChannels", maxChannels);
        positive("channelMaxQueuedBytes", channelMaxQueuedBytes);
    }

    private static void positive(String name, long v) {
        if (v <= 0) {
            throw new IllegalArgumentException(name + " must be positive: " + v);
        }
    }

    /** All defaults, memory-only KV. */
    public static HostAbiConfig defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link HostAbiConfig}; see the record's components for defaults. */
    public static final class Builder {
        private long kvMaxBytes = 64L << 20;
        private int kvMaxKeyBytes = 1024;
        private int kvMaxValueBytes = 1 << 20;
        private KvBackend kvBackend;
        private int maxCallDepth = 8;
        private int maxSpawnsPerInvocation = 64;
        private int maxConcurrentSpawns = 256;
        private int channelCapacity = 64;
        private int channelMaxMessageBytes = 1 << 20;
        private int maxChannels = 1024;
        private long channelMaxQueuedBytes = 64L << 20;

        private Builder() {}

        public Builder withKvMaxBytes(long v) {
            kvMaxBytes = v;
            return this;
        }

        public Builder withKvMaxKeyBytes(int v) {
            kvMaxKeyBytes = v;
            return this;
        }

        public Builder withKvMaxValueBytes(int v) {
            kvMaxValueBytes = v;
            return this;
        }

        public Builder withKvBackend(KvBackend v) {
            kvBackend = v;
            return this;
        }

        public Builder withMaxCallDepth(int v) {
            maxCallDepth = v;
            return this;
        }

        public Builder withMaxSpawnsPerInvocation(int v) {
            maxSpawnsPerInvocation = v;
            return this;
        }

        public Builder withMaxConcurrentSpawns(int v) {
            maxConcurrentSpawns = v;
            return this;
        }

        public Builder withChannelCapacity(int v) {
            channelCapacity = v;
            return this;
        }

        public Builder withChannelMaxMessageBytes(int v) {
            channelMaxMessageBytes = v;
            return this;
        }

        public Builder withMaxChannels(int v) {
            maxChannels = v;
            return this;
        }

        public Builder withChannelMaxQueuedBytes(long v) {
            channelMaxQueuedBytes = v;
            return this;
        }

        public HostAbiConfig build() {
            return new HostAbiConfig(kvMaxBytes, kvMaxKeyBytes, kvMaxValueBytes, kvBackend, maxCallDepth,
                    maxSpawnsPerInvocation, maxConcurrentSpawns, channelCapacity, channelMaxMessageBytes, maxChannels,
                    channelMaxQueuedBytes);
        }
    }
}
