package dev.ubiq.runtime.engine;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/** Assembles small binary modules for engine tests: sections are given as raw contents. */
final class TinyWasm {
    static final int I32 = 0x7f;
    static final int FUNCREF = 0x70;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    TinyWasm() {
        out.writeBytes(new byte[] {0, 'a', 's', 'm', 1, 0, 0, 0});
    }

    TinyWasm section(int id, byte[]... parts) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            body.writeBytes(p);
        }
        out.write(id);
        out.writeBytes(uleb(body.size()));
        out.writeBytes(body.toByteArray());
        return this;
    }

    byte[] build() {
        return out.toByteArray();
    }

    static byte[] uleb(long v) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        do {
            int x = (int) (v & 0x7f);
            v >>>= 7;
            b.write(v != 0 ? x | 0x80 : x);
        } while (v != 0);
        return b.toByteArray();
    }

    static byte[] name(String s) {
        byte[] u = s.getBytes(StandardCharsets.UTF_8);
        return cat(uleb(u.length), u);
    }

    static byte[] b(int... v) {
        byte[] r = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            r[i] = (byte) v[i];
        }
        return r;
    }

    static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    /** A code-section entry without locals: {@code body} must end with {@code 0x0b}. */
    static byte[] body(int... instructions) {
        byte[] code = cat(b(0), b(instructions));
        return cat(uleb(code.length), code);
    }
}
