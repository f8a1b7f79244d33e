package dev.ubiq.abi;

import java.util.Locale;

/**
 * A capability a function's manifest may grant; everything not granted is denied. Spelled
 * {@code kind} or {@code kind:target} (for example {@code kv:sessions}, {@code call:resize},
 * {@code channel:frames}, {@code xpu}). The {@code ubiq:v1} hostcalls check {@code kv}, {@code
 * call} and {@code channel} grants (see {@code host-abi/docs/abi-v1.md}); a denied hostcall
 * returns {@link AbiError#DENIED} and is logged.
 *
 * @param kind what is granted
 * @param target the namespace, function or channel it applies to; {@code "*"} for any; empty when
 *     the kind takes none
 */
public record Capability(Kind kind, String target) {

    /** The kinds of capability the ABI knows. */
    public enum Kind {
        KV(true),
        CALL(true),
        CHANNEL(true),
        XPU(false);

        private final boolean needsTarget;

        Kind(boolean needsTarget) {
            this.needsTarget = needsTarget;
        }
    }

    /**
     * Parses {@code kind[:target]}.
     *
     * @throws IllegalArgumentException saying what is wrong and what is accepted
     */
    public static Capability parse(String text) {
        int colon = text.indexOf(':');
        String kindText = (colon < 0 ? text : text.substring(0, colon)).trim();
        String target = colon < 0 ? "" : text.substring(colon + 1).trim();
        Kind kind;
        try {
            kind = Kind.valueOf(kindText.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "unknown capability '" + text + "' (known kinds: kv, call, channel, xpu)");
        }
        if (kind.needsTarget && target.isEmpty()) {
            throw new IllegalArgumentException(
                    "capability '" + text + "' needs a target: " + kindText.toLowerCase(Locale.ROOT)
                            + ":NAME or " + kindText.toLowerCase(Locale.ROOT) + ":*");
        }
        if (!kind.needsTarget && !target.isEmpty()) {
            throw new IllegalArgumentException("capability '" + text + "' takes no target");
        }
        if (!target.isEmpty() && !target.equals("*") && !target.matches("[A-Za-z0-9._-]{1,128}")) {
            throw new IllegalArgumentException(
                    "capability '" + text + "': target must be '*' or 1-128 of [A-Za-z0-9._-]");
        }
        return new Capability(kind, target);
    }

    @Override
    public String toString() {
        String k = kind.name().toLowerCase(Locale.ROOT);
        return target.isEmpty() ? k : k + ":" + target;
    }
}
