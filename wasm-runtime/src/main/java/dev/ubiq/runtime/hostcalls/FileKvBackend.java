package dev.ubiq.runtime.hostcalls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * A {@link KvBackend} with one file per entry: {@code DIR/NAMESPACE/SHA256(key).kv}, written to a
 * temporary file, forced to disk and atomically renamed over the old one, so a crash leaves either
 * the old or the new value, never a torn one. Suits the edge: no external service, small values,
 * modest write rates (one fsync per put).
 *
 * <pre>
 *  entry file, little-endian
 *  +--------+---------+----------+------------+------------+--------------+
 *  | "UKV1" | u32 klen| key      | u32 vlen   | value      | u32 crc32c   |
 *  | 4 B    | 4 B     | klen B   | 4 B        | vlen B     | of all before|
 *  +--------+---------+----------+------------+------------+--------------+
 * </pre>
 *
 * <pre>{@code
 * KvBackend kv = new FileKvBackend(Path.of("/var/lib/ubiq/kv"));   // created when missing
 * }</pre>
 */
public final class FileKvBackend implements KvBackend {
    private static final int MAGIC = 0x31564B55; // "UKV1" little-endian
    private static final String SUFFIX = ".kv";
    private final Path dir;

    /** @param dir the directory to keep entries in; created when missing */
    public FileKvBackend(Path dir) throws IOException {
        this.dir = dir;
        Files.createDirectories(dir);
    }

    @Override
    public void load(Sink sink, Consumer<String> warnings) throws IOException {
        try (DirectoryStream<Path> namespaces = Files.newDirectoryStream(dir, Files::isDirectory)) {
            for (Path nsDir : namespaces) {
                String ns = nsDir.getFileName().toString();
                try (DirectoryStream<Path> entries = Files.newDirectoryStream(nsDir)) {
                    for (Path f : entries) {
                        String fileName = f.getFileName().toString();
                        if (fileName.startsWith(".tmp-")) {
                            Files.deleteIfExists(f); // an interrupted write: the old value is still in place
                            continue;
                        }
                        if (!fileName.endsWith(SUFFIX)) {
                            continue;
                        }
                        try {
                            byte[][] kv = decode(Files.readAllBytes(f));
                            sink.accept(ns, kv[0], kv[1]);
                        } catch (IOException | RuntimeException e) {
                            warnings.accept("kv: skipped unreadable entry " + f + ": " + e.getMessage());
                        }
                    }
                }
            }
        }
    }

    @Override
    public void put(String namespace, byte[] key, byte[] value) throws IOException {
        Path nsDir = dir.resolve(namespace);
        Files.createDirectories(nsDir);
        Path target = nsDir.resolve(fileName(key));
        Path tmp = Files.createTempFile(nsDir, ".tmp-", SUFFIX);
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer b = ByteBuffer.wrap(encode(key, value));
                while (b.hasRemaining()) {
                    ch.write(b);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    @Override
    public void delete(String namespace, byte[] key) throws IOException {
        Files.deleteIfExists(dir.resolve(namespace).resolve(fileName(key)));
    }

    @Override
    public void close() {
        // nothing held open between calls
    }

    static byte[] encode(byte[] key, byte[] value) {
        ByteBuffer b = ByteBuffer.allocate(16 + key.length + value.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(MAGIC).putInt(key.length).put(key).putInt(value.length).put(value);
        CRC32C crc = new CRC32C();
        crc.update(b.array(), 0, b.position());
        b.putInt((int) crc.getValue());
        return b.array();
    }

    static byte[][] decode(byte[] file) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(file).order(ByteOrder.LITTLE_ENDIAN);
        if (file.length < 16 || b.getInt() != MAGIC) {
            throw new IOException("not a kv entry (bad magic or too short)");
        }
        int klen = b.getInt();
        if (klen < 0 || klen > file.length - 16) {
            throw new IOException("bad key length " + klen);
        }
        byte[] key = new byte[klen];
        b.get(key);
        int vlen = b.getInt();
        if (vlen < 0 || vlen != file.length - 16 - klen) {
            throw new IOException("bad value length " + vlen);
        }
        byte[] value = new byte[vlen];
        b.get(value);
        CRC32C crc = new CRC32C();
        crc.update(file, 0, b.position());
        if ((int) crc.getValue() != b.getInt()) {
            throw new IOException("checksum mismatch");
        }
        return new byte[][] {key, value};
    }

    private static String fileName(byte[] key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key)) + SUFFIX;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
