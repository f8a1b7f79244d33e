package dev.ubiq.conformance;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ubiq.runtime.engine.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * wast2json values to and from the engine SPI's {@link ValueType} encoding. wast2json writes
 * numbers as unsigned decimal bit patterns ({@code "4294967295"} for i32 -1, float bits for
 * f32/f64), v128 as lanes of {@code lane_type}, references as {@code "null"} or a host number, and
 * NaN expectations as {@code nan:canonical} / {@code nan:arithmetic}.
 */
final class SpecValues {
    private SpecValues() {}

    static ValueType type(String wasm) {
        return switch (wasm) {
            case "i32" -> ValueType.I32;
            case "i64" -> ValueType.I64;
            case "f32" -> ValueType.F32;
            case "f64" -> ValueType.F64;
            case "v128" -> ValueType.V128;
            case "funcref" -> ValueType.FUNCREF;
            case "externref" -> ValueType.EXTERNREF;
            default -> throw new IllegalArgumentException("unknown value type " + wasm);
        };
    }

    /** Arguments, flattened into longs. */
    static long[] args(JsonNode args) {
        List<Long> out = new ArrayList<>();
        for (JsonNode a : args) {
            String t = a.get("type").asText();
            if (t.equals("v128")) {
                long[] v = v128(a.get("lane_type").asText(), a.get("value"), null);
                out.add(v[0]);
                out.add(v[1]);
            } else {
                out.add(scalar(t, a.get("value").asText()));
            }
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }

    private static long scalar(String type, String value) {
        return switch (type) {
            case "i32", "f32" -> {
                long bits = Long.parseUnsignedLong(value);
                yield type.equals("i32") ? (int) bits : bits & 0xFFFF_FFFFL;
            }
            case "i64", "f64" -> Long.parseUnsignedLong(value);
            case "funcref", "externref" -> value.equals("null") ? ValueType.NULL_REF : Long.parseLong(value);
            default -> throw new IllegalArgumentException("unknown value type " + type);
        };
    }

    /** v128 lanes (little-endian) into two longs; NaN patterns become 0 and are marked in {@code nanLanes}. */
    private static long[] v128(String laneType, JsonNode lanes, String[] nanLanes) {
        int bits = laneBits(laneType);
        long lo = 0;
        long hi = 0;
        int i = 0;
        for (JsonNode lane : lanes) {
            String s = lane.asText();
            long v;
            if (s.startsWith("nan:")) {
                if (nanLanes != null) {
                    nanLanes[i] = s;
                }
                v = 0;
            } else {
                v = Long.parseUnsignedLong(s);
            }
            if (bits < 64) {
                v &= (1L << bits) - 1;
            }
            int bitPos = i * bits;
            if (bitPos < 64) {
                lo |= v << bitPos;
            } else {
                hi |= v << (bitPos - 64);
            }
            i++;
        }
        return new long[] {lo, hi};
    }

    private static int laneBits(String laneType) {
        return switch (laneType) {
            case "i8" -> 8;
            case "i16" -> 16;
            case "i32", "f32" -> 32;
            case "i64", "f64" -> 64;
            default -> throw new IllegalArgumentException("unknown lane type " + laneType);
        };
    }

    /**
     * Checks results against expectations; returns {@code null} when they match, else what differs.
     */
    static String mismatch(JsonNode expected, long[] actual) {
        int slot = 0;
        int index = 0;
        for (JsonNode e : expected) {
            String t = e.get("type").asText();
            int slots = t.equals("v128") ? 2 : 1;
            if (actual == null || slot + slots > actual.length) {
                return "result " + index + ": expected " + e + " but got only " + (actual == null ? 0 : actual.length) + " value(s)";
            }
            String why = t.equals("v128")
                    ? v128Mismatch(e, actual[slot], actual[slot + 1])
                    : scalarMismatch(t, e.get("value"), actual[slot]);
            if (why != null) {
                return "result " + index + ": " + why;
            }
            slot += slots;
            index++;
        }
        if (actual != null && slot != actual.length) {
            return "expected " + slot + " result slot(s), got " + actual.length;
        }
        return null;
    }

    private static String scalarMismatch(String type, JsonNode value, long actual) {
        if (value == null) {
            // e.g. (ref.func): any non-null reference
            return actual != ValueType.NULL_REF ? null : "expected a non-null " + type + ", got null";
        }
        String s = value.asText();
        if (s.startsWith("nan:")) {
            return nanMismatch(type, s, actual, type + " ");
        }
        long want = scalar(type, s);
        boolean ok = switch (type) {
            case "i32" -> (int) want == (int) actual;
            case "f32" -> (want & 0xFFFF_FFFFL) == (actual & 0xFFFF_FFFFL);
            default -> want == actual;
        };
        return ok ? null : "expected " + type + " " + show(type, want) + ", got " + show(type, actual);
    }

    private static String nanMismatch(String type, String kind, long bits, String what) {
        boolean ok;
        if (type.equals("f32")) {
            int b = (int) bits;
            ok = kind.equals("nan:canonical") ? (b & 0x7FFF_FFFF) == 0x7FC0_0000
                    : Float.isNaN(Float.intBitsToFloat(b)) && (b & 0x0040_0000) != 0;
        } else {
            ok = kind.equals("nan:canonical") ? (bits & 0x7FFF_FFFF_FFFF_FFFFL) == 0x7FF8_0000_0000_0000L
                    : Double.isNaN(Double.longBitsToDouble(bits)) && (bits & 0x0008_0000_0000_0000L) != 0;
        }
        return ok ? null : "expected " + what + kind + ", got " + show(type, bits);
    }

    private static String v128Mismatch(JsonNode e, long lo, long hi) {
        String laneType = e.get("lane_type").asText();
        int bits = laneBits(laneType);
        int lanes = 128 / bits;
        String[] nans = new String[lanes];
        long[] want = v128(laneType, e.get("value"), nans);
        for (int i = 0; i < lanes; i++) {
            long w = lane(want[0], want[1], i, bits);
            long a = lane(lo, hi, i, bits);
            String why = nans[i] != null ? nanMismatch(laneType, nans[i], a, "lane " + i + " ")
                    : (w == a ? null : "lane " + i + " (" + laneType + "): expected " + show(laneType, w) + ", got " + show(laneType, a));
            if (why != null) {
                return why + " (v128 " + Long.toHexString(hi) + ":" + Long.toHexString(lo) + ")";
            }
        }
        return null;
    }

    private static long lane(long lo, long hi, int i, int bits) {
        int pos = i * bits;
        long word = pos < 64 ? lo : hi;
        long v = word >>> (pos % 64);
        return bits == 64 ? v : v & ((1L << bits) - 1);
    }

    private static String show(String type, long bits) {
        return switch (type) {
            case "f32" -> Float.intBitsToFloat((int) bits) + " (0x" + Integer.toHexString((int) bits) + ")";
            case "f64" -> Double.longBitsToDouble(bits) + " (0x" + Long.toHexString(bits) + ")";
            case "i32" -> Integer.toString((int) bits);
            case "funcref", "externref" -> bits == ValueType.NULL_REF ? "null" : Long.toString(bits);
            default -> Long.toString(bits);
        };
    }

    /** {@code f(1, 2.5)} for test names. */
    static String describeArgs(JsonNode args) {
        List<String> parts = new ArrayList<>();
        for (JsonNode a : args) {
            String t = a.get("type").asText();
            JsonNode v = a.get("value");
            if (t.equals("v128")) {
                List<String> lanes = new ArrayList<>();
                v.forEach(l -> lanes.add(l.asText()));
                parts.add("v128:" + a.get("lane_type").asText() + "[" + String.join(" ", lanes) + "]");
            } else if (v == null) {
                parts.add(t);
            } else {
                String s = v.asText();
                parts.add(switch (t) {
                    case "i32" -> Integer.toString((int) Long.parseUnsignedLong(s));
                    case "f32" -> s.startsWith("nan") ? s : Float.toString(Float.intBitsToFloat((int) Long.parseUnsignedLong(s)));
                    case "f64" -> s.startsWith("nan") ? s : Double.toString(Double.longBitsToDouble(Long.parseUnsignedLong(s)));
                    default -> t.endsWith("ref") ? t.replace("ref", "") + ":" + s : s;
                });
            }
        }
        String joined = String.join(", ", parts);
        return joined.length() > 120 ? joined.substring(0, 117) + "..." : joined;
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }
}
