package dev.ubiq.snapshot;

import dev.ubiq.runtime.engine.InstanceState;
import dev.ubiq.runtime.engine.ValueType;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The snapshot file format, version 1: what {@link FileSnapshotStore} writes into a node's data
 * directory and what travels between nodes for a remote fork. All integers are big-endian.
 *
 * <pre>
 * file     = header, then header.sectionCount sections in this order: META GLOB TABL DATA MEMO,
 *            then end of file (trailing bytes are an error)
 *
 * header (64 bytes)
 *  0                   8         10        12                  16
 *  +-------------------+---------+---------+-------------------+
 *  | magic "UBIQSNAP"  | format  | header  | section count (5) |
 *  | (8 ASCII bytes)   | version | length  |                   |
 *  |                   | u16 = 1 | u16 =64 | u32               |
 *  +-------------------+---------+---------+-------------------+
 * 16                                                          48
 *  +-----------------------------------------------------------+
 *  | SHA-256 of the module binary (32 bytes)                   |
 *  +-----------------------------------------------------------+
 * 48                  56                  60                  64
 *  +-------------------+-------------------+-------------------+
 *  | created, epoch ms | reserved, 0       | CRC32C of bytes   |
 *  | i64               | u32               | 0..59, u32        |
 *  +-------------------+-------------------+-------------------+
 *
 * section
 *  0         4         8                  16                16+len     20+len
 *  +---------+---------+------------------+-----------------+----------+
 *  | tag     | flags   | payload length   | payload         | CRC32C   |
 *  | 4 ASCII | u32 = 0 | u64 = len        | len bytes       | of tag.. |
 *  |         |         |                  |                 | payload  |
 *  +---------+---------+------------------+-----------------+----------+
 *
 * META  u16 n, n bytes UTF-8 function name; i32 function version
 * GLOB  u32 count; per module-defined global: u8 Wasm type code (0x7F i32, 0x7E i64, 0x7D f32,
 *       0x7C f64, 0x7B v128, 0x70 funcref, 0x6F externref), i64 low, i64 high
 * TABL  u32 count; per module-defined table: u32 size, size x i32 element (function index, -1 null)
 * DATA  u32 count; count x u32 index of a dropped passive data segment
 * MEMO  u8 has memory (0/1); u32 pages (64 KiB); u32 chunk size (4096); u32 stored; stored x
 *       (u32 chunk index, strictly increasing, then chunk-size bytes). Chunks not stored hold zeros.
 * </pre>
 *
 * <p>Reading verifies everything before anything is used: magic, format version, header and
 * section checksums, the section order, every count against a cap, and that the file ends where
 * the last section does. Any failure is a {@link CorruptSnapshotException} naming the section.
 *
 * <pre>{@code
 * byte[] bytes = SnapshotFormat.toBytes(snapshot);
 * Snapshot back = SnapshotFormat.fromBytes(bytes);
 * try (OutputStream out = Files.newOutputStream(file)) { SnapshotFormat.write(snapshot, out); }
 * }</pre>
 */
public final class SnapshotFormat {
    /** The first 8 bytes of every snapshot file. */
    public static final byte[] MAGIC = "UBIQSNAP".getBytes(StandardCharsets.US_ASCII);
    /** The format version this code writes and the only one it reads. */
    public static final int FORMAT_VERSION = 1;
    public static final int HEADER_LENGTH = 64;
    static final String[] SECTIONS = {"META", "GLOB", "TABL", "DATA", "MEMO"};
    static final int CHUNK_SIZE = InstanceState.CHUNK_SIZE;
    static final int CHUNKS_PER_PAGE = InstanceState.CHUNKS_PER_PAGE;
    /** Caps on counts a file may claim, so a hostile file cannot make the reader allocate without bound. */
    static final int MAX_PAGES = 65536;
    static final int MAX_GLOBALS = 1_000_000;
    static final int MAX_TABLES = 100_000;
    static final int MAX_TABLE_ELEMENTS = 1_000_000;

    private SnapshotFormat() {}

    /** The snapshot as one byte array (the whole memory included): for shipping to another node. */
    public static byte[] toBytes(Snapshot s) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(HEADER_LENGTH + 256 + s.state().nonZeroChunks() * (CHUNK_SIZE + 4));
        try {
            write(s, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Reads a snapshot from bytes made by {@link #toBytes}; verifies it completely first. */
    public static Snapshot fromBytes(byte[] bytes) {
        try {
            return read(new ByteArrayInputStream(bytes));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes {@code s} to {@code out}, streaming the memory page by page. Does not close {@code out}. */
    public static void write(Snapshot s, OutputStream out) throws IOException {
        InstanceState st = s.state();
        ByteBuffer h = ByteBuffer.allocate(HEADER_LENGTH);
        h.put(MAGIC).putShort((short) FORMAT_VERSION).putShort((short) HEADER_LENGTH).putInt(SECTIONS.length);
        h.put(HexFormat.of().parseHex(s.moduleSha256()));
        h.putLong(s.createdEpochMs()).putInt(0);
        h.putInt(crc(h.array(), 0, HEADER_LENGTH - 4));
        out.write(h.array());

        byte[] name = s.function().getBytes(StandardCharsets.UTF_8);
        ByteBuffer meta = ByteBuffer.allocate(2 + name.length + 4);
        meta.putShort((short) name.length).put(name).putInt(s.version());
        section(out, "META", meta.array());

        List<ValueType> types = st.globalTypes();
        ByteBuffer glob = ByteBuffer.allocate(4 + 17 * types.size());
        glob.putInt(types.size());
        for (int i = 0; i < types.size(); i++) {
            glob.put((byte) code(types.get(i))).putLong(st.globalLow(i)).putLong(st.globalHigh(i));
        }
        section(out, "GLOB", glob.array());

        int tableBytes = 4;
        for (int t = 0; t < st.tableCount(); t++) {
            tableBytes += 4 + 4 * st.unsafeTable(t).length;
        }
        ByteBuffer tabl = ByteBuffer.allocate(tableBytes);
        tabl.putInt(st.tableCount());
        for (int t = 0; t < st.tableCount(); t++) {
            int[] refs = st.unsafeTable(t);
            tabl.putInt(refs.length);
            for (int r : refs) {
                tabl.putInt(r);
            }
        }
        section(out, "TABL", tabl.array());

        int[] dropped = st.droppedDataSegments();
        ByteBuffer data = ByteBuffer.allocate(4 + 4 * dropped.length);
        data.putInt(dropped.length);
        for (int d : dropped) {
            data.putInt(d);
        }
        section(out, "DATA", data.array());

        // MEMO is streamed: the length is known up front, the CRC is computed on the way
        int stored = st.hasMemory() ? st.nonZeroChunks() : 0;
        long len = 1 + 4 + 4 + 4 + (long) stored * (4 + CHUNK_SIZE);
        CRC32C crc = new CRC32C();
        ByteBuffer sh = ByteBuffer.allocate(16);
        sh.put("MEMO".getBytes(StandardCharsets.US_ASCII)).putInt(0).putLong(len);
        emit(out, crc, sh.array());
        ByteBuffer mh = ByteBuffer.allocate(13);
        mh.put((byte) (st.hasMemory() ? 1 : 0)).putInt(st.memoryPages()).putInt(CHUNK_SIZE).putInt(stored);
        emit(out, crc, mh.array());
        byte[] chunk = new byte[CHUNK_SIZE];
        byte[] idx = new byte[4];
        for (int c = 0; c < st.chunkCount(); c++) {
            if (st.isZeroChunk(c)) {
                continue;
            }
            ByteBuffer.wrap(idx).putInt(c);
            emit(out, crc, idx);
            st.chunk(c).get(chunk);
            emit(out, crc, chunk);
        }
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /**
     * Reads and verifies a snapshot. Reads exactly one snapshot and requires the stream to end there.
     *
     * @throws CorruptSnapshotException for anything but a complete, intact version-1 snapshot
     */
    public static Snapshot read(InputStream in) throws IOException {
        byte[] hb = readFully(in, HEADER_LENGTH, "header");
        ByteBuffer h = ByteBuffer.wrap(hb);
        byte[] magic = new byte[8];
        h.get(magic);
        if (!java.util.Arrays.equals(magic, MAGIC)) {
            throw new CorruptSnapshotException("not a Ubiq snapshot: the file does not start with \"UBIQSNAP\"");
        }
        int version = Short.toUnsignedInt(h.getShort());
        if (version != FORMAT_VERSION) {
            throw new CorruptSnapshotException("snapshot format version " + version + ", this node reads version "
                    + FORMAT_VERSION + " only");
        }
        int headerLength = Short.toUnsignedInt(h.getShort());
        int sections = h.getInt();
        byte[] sha = new byte[32];
        h.get(sha);
        long created = h.getLong();
        h.getInt();
        int headerCrc = h.getInt();
        if (headerCrc != crc(hb, 0, HEADER_LENGTH - 4)) {
            throw new CorruptSnapshotException("header checksum mismatch");
        }
        if (headerLength != HEADER_LENGTH || sections != SECTIONS.length) {
            throw new CorruptSnapshotException("header claims " + headerLength + " header bytes and " + sections
                    + " sections; version 1 has " + HEADER_LENGTH + " and " + SECTIONS.length);
        }

        ByteBuffer meta = ByteBuffer.wrap(smallSection(in, "META"));
        String function;
        int fnVersion;
        try {
            byte[] name = new byte[Short.toUnsignedInt(meta.getShort())];
            meta.get(name);
            function = new String(name, StandardCharsets.UTF_8);
            fnVersion = meta.getInt();
            requireConsumed(meta, "META");
        } catch (java.nio.BufferUnderflowException e) {
            throw new CorruptSnapshotException("section META is shorter than its contents");
        }

        ByteBuffer glob = ByteBuffer.wrap(smallSection(in, "GLOB"));
        List<ValueType> types = new ArrayList<>();
        long[] globals;
        try {
            int n = count(glob.getInt(), MAX_GLOBALS, "GLOB", "globals");
            globals = new long[2 * n];
            for (int i = 0; i < n; i++) {
                types.add(type(glob.get()));
                globals[2 * i] = glob.getLong();
                globals[2 * i + 1] = glob.getLong();
            }
            requireConsumed(glob, "GLOB");
        } catch (java.nio.BufferUnderflowException e) {
            throw new CorruptSnapshotException("section GLOB is shorter than its contents");
        }

        ByteBuffer tabl = ByteBuffer.wrap(smallSection(in, "TABL"));
        int[][] tables;
        try {
            tables = new int[count(tabl.getInt(), MAX_TABLES, "TABL", "tables")][];
            for (int t = 0; t < tables.length; t++) {
                int size = count(tabl.getInt(), MAX_TABLE_ELEMENTS, "TABL", "elements in table " + t);
                if (size > tabl.remaining() / 4) {
                    throw new CorruptSnapshotException("section TABL is shorter than its contents");
                }
                tables[t] = new int[size];
                for (int j = 0; j < size; j++) {
                    tables[t][j] = tabl.getInt();
                }
            }
            requireConsumed(tabl, "TABL");
        } catch (java.nio.BufferUnderflowException e) {
            throw new CorruptSnapshotException("section TABL is shorter than its contents");
        }

        ByteBuffer data = ByteBuffer.wrap(smallSection(in, "DATA"));
        int[] dropped;
        try {
            dropped = new int[count(data.getInt(), MAX_GLOBALS, "DATA", "dropped segments")];
            for (int i = 0; i < dropped.length; i++) {
                dropped[i] = count(data.getInt(), Integer.MAX_VALUE, "DATA", "segment index");
            }
            requireConsumed(data, "DATA");
        } catch (java.nio.BufferUnderflowException e) {
            throw new CorruptSnapshotException("section DATA is shorter than its contents");
        }

        byte[][] pages = memory(in);
        if (in.read() != -1) {
            throw new CorruptSnapshotException("unexpected bytes after the last section");
        }
        InstanceState state = InstanceState.of(pages, dropped, types, globals, tables);
        try {
            return new Snapshot(function, fnVersion, HexFormat.of().formatHex(sha), created, state);
        } catch (IllegalArgumentException e) {
            throw new CorruptSnapshotException("section META: " + e.getMessage());
        }
    }

    private static byte[][] memory(InputStream in) throws IOException {
        CRC32C crc = new CRC32C();
        long len = sectionHeader(in, "MEMO", crc);
        byte[] mh = readFully(in, 13, "section MEMO");
        crc.update(mh);
        ByteBuffer b = ByteBuffer.wrap(mh);
        boolean has = b.get() != 0;
        int pageCount = count(b.getInt(), MAX_PAGES, "MEMO", "pages");
        int chunkSize = b.getInt();
        if (chunkSize != CHUNK_SIZE) {
            throw new CorruptSnapshotException("section MEMO: chunk size " + chunkSize + ", version 1 uses " + CHUNK_SIZE);
        }
        int chunkCount = pageCount * CHUNKS_PER_PAGE;
        int stored = count(b.getInt(), chunkCount, "MEMO", "stored chunks");
        if (len != 13 + (long) stored * (4 + CHUNK_SIZE)) {
            throw new CorruptSnapshotException("section MEMO: length " + len + " does not match its " + stored + " stored chunks");
        }
        if (!has && pageCount != 0) {
            throw new CorruptSnapshotException("section MEMO: " + pageCount + " pages but no memory");
        }
        byte[][] chunks = has ? new byte[chunkCount][] : null;
        int last = -1;
        for (int k = 0; k < stored; k++) {
            byte[] ib = readFully(in, 4, "section MEMO");
            crc.update(ib);
            int c = ByteBuffer.wrap(ib).getInt();
            if (c <= last || c >= chunkCount) {
                throw new CorruptSnapshotException("section MEMO: chunk index " + c + " out of order or above " + chunkCount);
            }
            last = c;
            byte[] p = readFully(in, CHUNK_SIZE, "section MEMO");
            crc.update(p);
            chunks[c] = p;
        }
        checkCrc(in, crc, "MEMO");
        if (chunks != null) {
            byte[] zero = InstanceState.unsafeZeroChunk();
            for (int c = 0; c < chunks.length; c++) {
                if (chunks[c] == null) {
                    chunks[c] = zero;
                }
            }
        }
        return chunks;
    }

    private static byte[] smallSection(InputStream in, String tag) throws IOException {
        CRC32C crc = new CRC32C();
        long len = sectionHeader(in, tag, crc);
        if (len > 64L << 20) {
            throw new CorruptSnapshotException("section " + tag + " claims " + len + " bytes");
        }
        byte[] payload = readFully(in, (int) len, "section " + tag);
        crc.update(payload);
        checkCrc(in, crc, tag);
        return payload;
    }

    private static long sectionHeader(InputStream in, String tag, CRC32C crc) throws IOException {
        byte[] sh = readFully(in, 16, "section " + tag);
        crc.update(sh);
        ByteBuffer b = ByteBuffer.wrap(sh);
        byte[] t = new byte[4];
        b.get(t);
        String got = new String(t, StandardCharsets.ISO_8859_1);
        if (!got.equals(tag)) {
            throw new CorruptSnapshotException("expected section " + tag + ", found '" + printable(got) + "'");
        }
        b.getInt();
        long len = b.getLong();
        if (len < 0) {
            throw new CorruptSnapshotException("section " + tag + " has a negative length");
        }
        return len;
    }

    private static void checkCrc(InputStream in, CRC32C crc, String tag) throws IOException {
        int want = ByteBuffer.wrap(readFully(in, 4, "section " + tag + " checksum")).getInt();
        if (want != (int) crc.getValue()) {
            throw new CorruptSnapshotException("section " + tag + ": checksum mismatch (the file is corrupted)");
        }
    }

    private static void requireConsumed(ByteBuffer b, String tag) {
        if (b.hasRemaining()) {
            throw new CorruptSnapshotException("section " + tag + " has " + b.remaining() + " unexpected bytes at its end");
        }
    }

    private static int count(int v, int max, String tag, String what) {
        if (v < 0 || v > max) {
            throw new CorruptSnapshotException("section " + tag + ": " + Integer.toUnsignedString(v) + " " + what
                    + ", above the limit of " + max);
        }
        return v;
    }

    private static byte[] readFully(InputStream in, int n, String what) throws IOException {
        byte[] b = in.readNBytes(n);
        if (b.length < n) {
            throw new CorruptSnapshotException("truncated: the file ends inside the " + what, new EOFException());
        }
        return b;
    }

    private static void section(OutputStream out, String tag, byte[] payload) throws IOException {
        CRC32C crc = new CRC32C();
        ByteBuffer sh = ByteBuffer.allocate(16);
        sh.put(tag.getBytes(StandardCharsets.US_ASCII)).putInt(0).putLong(payload.length);
        emit(out, crc, sh.array());
        emit(out, crc, payload);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    private static void emit(OutputStream out, CRC32C crc, byte[] b) throws IOException {
        crc.update(b);
        out.write(b);
    }

    private static int crc(byte[] b, int off, int len) {
        CRC32C c = new CRC32C();
        c.update(b, off, len);
        return (int) c.getValue();
    }

    private static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            b.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return b.toString();
    }

    static int code(ValueType t) {
        return switch (t) {
            case I32 -> 0x7F;
            case I64 -> 0x7E;
            case F32 -> 0x7D;
            case F64 -> 0x7C;
            case V128 -> 0x7B;
            case FUNCREF -> 0x70;
            case EXTERNREF -> 0x6F;
        };
    }

    static ValueType type(byte code) {
        return switch (code & 0xFF) {
            case 0x7F -> ValueType.I32;
            case 0x7E -> ValueType.I64;
            case 0x7D -> ValueType.F32;
            case 0x7C -> ValueType.F64;
            case 0x7B -> ValueType.V128;
            case 0x70 -> ValueType.FUNCREF;
            case 0x6F -> ValueType.EXTERNREF;
            default -> throw new CorruptSnapshotException("section GLOB: unknown value type code 0x"
                    + Integer.toHexString(code & 0xFF));
        };
    }
}
