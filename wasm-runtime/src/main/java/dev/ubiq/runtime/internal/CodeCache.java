package dev.ubiq.runtime.internal;

import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.CRC32;

/**
 * On-disk cache of compiled JVM classes, keyed by the module's SHA-256, so a restarted node does not
 * recompile. One file per module, {@code <sha256>.ubqc}, written atomically (temp file, fsync,
 * rename); a file that fails any check is deleted and the module recompiled.
 *
 * <pre>
 * 0       4  magic "UBQC"
 * 4       4  format version (1)
 * 8       .  UTF  Chicory version that generated the classes (mismatch: recompile)
 * .       4  count of interpreted (fallback) function indices, then each as int
 * .       .  UTF  main class name
 * .       4  class count, then per class: UTF name, int length, bytes
 * end-8   8  CRC32 of every byte before it
 * </pre>
 */
public final class CodeCache {
    private static final int MAGIC = 0x55425143; // "UBQC"
    private static final int FORMAT = 1;

    private final Path dir;

    public CodeCache(Path dir) {
        this.dir = dir;
    }

    public Path dir() {
        return dir;
    }

    /** Compiled classes of one module. */
    public record Entry(String mainClass, Map<String, byte[]> classes, Set<Integer> interpretedFunctions) {}

    private Path file(String sha256) {
        return dir.resolve(sha256 + ".ubqc");
    }

    /**
     * The cached entry, or {@code null} when there is none or it is unusable (then it is deleted).
     */
    public Entry get(String sha256) {
        Path f = file(sha256);
        byte[] all;
        try {
            all = Files.readAllBytes(f);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException e) {
            return null;
        }
        try {
            if (all.length < 16) {
                throw new IOException("truncated");
            }
            CRC32 crc = new CRC32();
            crc.update(all, 0, all.length - 8);
            long stored = ByteBuffer.wrap(all, all.length - 8, 8).getLong();
            if (crc.getValue() != stored) {
                throw new IOException("checksum mismatch");
            }
            var in = new DataInputStream(new java.io.ByteArrayInputStream(all, 0, all.length - 8));
            if (in.readInt() != MAGIC || in.readInt() != FORMAT) {
                throw new IOException("bad magic or format");
            }
            if (!Versions.CHICORY.equals(in.readUTF())) {
                throw new IOException("made by another Chicory version");
            }
            int n = in.readInt();
            Set<Integer> interpreted = new TreeSet<>();
            for (int i = 0; i < n; i++) {
                interpreted.add(in.readInt());
            }
            String main = in.readUTF();
            int classes = in.readInt();
            Map<String, byte[]> map = new LinkedHashMap<>();
            for (int i = 0; i < classes; i++) {
                String name = in.readUTF();
                byte[] b = new byte[in.readInt()];
                in.readFully(b);
                map.put(name, b);
            }
            return new Entry(main, map, Set.copyOf(interpreted));
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException ignored) {
                // a later put overwrites it anyway
            }
            return null;
        }
    }

    /** Stores an entry atomically. Failures (full disk, read-only dir) are reported to the caller. */
    public void put(String sha256, Entry entry) throws IOException {
        var bytes = new ByteArrayOutputStream();
        var out = new DataOutputStream(bytes);
        out.writeInt(MAGIC);
        out.writeInt(FORMAT);
        out.writeUTF(Versions.CHICORY);
        out.writeInt(entry.interpretedFunctions().size());
        for (int i : entry.interpretedFunctions()) {
            out.writeInt(i);
        }
        out.writeUTF(entry.mainClass());
        out.writeInt(entry.classes().size());
        for (var e : entry.classes().entrySet()) {
            out.writeUTF(e.getKey());
            out.writeInt(e.getValue().length);
            out.write(e.getValue());
        }
        out.flush();
        CRC32 crc = new CRC32();
        byte[] body = bytes.toByteArray();
        crc.update(body);
        out.writeLong(crc.getValue());
        out.flush();
        AtomicFiles.write(file(sha256), bytes.toByteArray());
    }

    /** Atomic file writes: temp file in the same directory, fsync, rename, fsync the directory. */
    public static final class AtomicFiles {
        private AtomicFiles() {}

        /** What an atomic write puts in the file; the stream is buffered and flushed by the caller. */
        @FunctionalInterface
        public interface Body {
            void writeTo(OutputStream out) throws IOException;
        }

        public static void write(Path target, byte[] data) throws IOException {
            write(target, out -> out.write(data));
        }

        /**
         * Writes {@code body} to a temp file beside {@code target}, fsyncs it, renames it over
         * {@code target} and fsyncs the folder: readers see the old file or the whole new one.
         */
        public static void write(Path target, Body body) throws IOException {
            Path parent = target.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempFile(parent, "." + target.getFileName(), ".tmp");
            try {
                try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                    OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), 1 << 16);
                    body.writeTo(out);
                    out.flush();
                    ch.force(true);
                }
                try {
                    Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
                } catch (AtomicMoveNotSupportedException e) {
                    Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
                }
                try (FileChannel d = FileChannel.open(parent, StandardOpenOption.READ)) {
                    d.force(true);
                } catch (IOException ignored) {
                    // some file systems cannot fsync a directory; the rename is still atomic
                }
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
    }
}
