package dev.ubiq.runtime.internal;

import dev.ubiq.abi.Capability;
import dev.ubiq.runtime.FunctionConfig;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What one deployed function may use through {@code ubiq:v1}, resolved once per deploy from its
 * manifest (the "configure" phase): deny by default, {@code *} grants every target of a kind.
 */
final class AbiGrants {
    final String function;
    private final boolean kvAny;
    private final Set<String> kv = new HashSet<>();
    private final boolean callAny;
    private final Set<String> calls = new HashSet<>();
    private final boolean channelAny;
    private final Set<String> channels = new HashSet<>();
    private final Map<String, byte[]> config = new HashMap<>();

    AbiGrants(FunctionConfig fc) {
        this.function = fc.name();
        boolean k = false;
        boolean c = false;
        boolean ch = false;
        for (Capability cap : fc.capabilities()) {
            boolean any = cap.target().equals("*");
            switch (cap.kind()) {
                case KV -> {
                    k |= any;
                    kv.add(cap.target());
                }
                case CALL -> {
                    c |= any;
                    calls.add(cap.target());
                }
                case CHANNEL -> {
                    ch |= any;
                    channels.add(cap.target());
                }
                case XPU -> { } // checked by the accelerator hostcalls, not part of ubiq:v1
            }
        }
        kvAny = k;
        callAny = c;
        channelAny = ch;
        fc.config().forEach((key, v) -> config.put(key, v.getBytes(StandardCharsets.UTF_8)));
    }

    boolean mayUseKv(String namespace) {
        return kvAny || kv.contains(namespace);
    }

    boolean mayCall(String target) {
        return callAny || calls.contains(target);
    }

    boolean mayUseChannel(String name) {
        return channelAny || channels.contains(name);
    }

    /** A manifest config value as UTF-8, or {@code null}; shared, never written. */
    byte[] config(String key) {
        return config.get(key);
    }
}
