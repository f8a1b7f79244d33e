package dev.ubiq.snapshot;

import dev.ubiq.runtime.SnapshotStore;
import dev.ubiq.runtime.engine.InstanceState;
import dev.ubiq.runtime.internal.CodeCache.AtomicFiles;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The runtime's {@link SnapshotStore} in a node's data directory: one {@link SnapshotFormat} file
 * per function version, written atomically (temp file in the same folder, fsync, rename, fsync of
 * the folder), so a crash leaves the old file or the new one, never half of one.
 *
 * <pre>
 * DATA_DIR/snapshots/
 *   NAME/
 *     v3.snapshot          older versions: the newest {@link #KEEP_VERSIONS} are kept
 *     v4.snapshot
 *     v4.snapshot.bad      the last file that failed verification, kept for inspection
 * </pre>
 *
 * <pre>{@code
 * UbiqRuntime rt = UbiqRuntime.builder()
 *         .withSnapshotStore(new FileSnapshotStore(dataDir, System.err::println))
 *         .build();
 * }</pre>
 *
 * <p>A file that is truncated, fails a checksum, has another format version, or was captured from
 * another module is reported through {@code log}, renamed to {@code .bad}, and not used: the
 * runtime initialises the function again and saves a fresh snapshot. A failed write (a full disk)
 * is logged and leaves nothing behind; the function runs from its in-memory snapshot regardless.
 * Thread-safe: files are only ever replaced by rename.
 */
public final class FileSnapshotStore implements SnapshotStore {
    /** Versions kept per function. */
    public static final int KEEP_VERSIONS = 3;
    private static final Pattern FILE = Pattern.compile("v(\\d+)\\.snapshot");
    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");

    private final Path root;
    private final Consumer<String> log;

    /**
     * @param dataDir the node's data directory; snapshots go to {@code dataDir/snapshots}
     * @param log receives one line per problem (corrupted file, failed write)
     */
    public FileSnapshotStore(Path dataDir, Consumer<String> log) {
        this.root = dataDir.resolve("snapshots");
        this.log = log;
    }

    /** The file of one function version. */
    public Path file(String function, int version) {
        return dir(function).resolve("v" + version + ".snapshot");
    }

    private Path dir(String function) {
        if (!SAFE_NAME.matcher(function).matches()) {
            throw new IllegalArgumentException("unsafe function name for a file: '" + function + "'");
        }
        return root.resolve(function);
    }

    @Override
    public InstanceState load(Key key) {
        Path f = file(key.function(), key.version());
        Snapshot s;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(f), 1 << 16)) {
            s = SnapshotFormat.read(in);
        } catch (NoSuchFileException e) {
            return null;
        } catch (CorruptSnapshotException e) {
            quarantine(f, e.getMessage());
            return null;
        } catch (IOException | RuntimeException e) {
            log.accept("snapshot " + f + " cannot be read (" + e + "); the function is initialised again");
            return null;
        }
        if (!s.moduleSha256().equals(key.moduleSha256()) || !s.function().equals(key.function())
                || s.version() != key.version()) {
            quarantine(f, "it was captured from " + s.function() + " v" + s.version() + " (module sha256:"
                    + s.moduleSha256() + "), not from " + key.function() + " v" + key.version() + " (module sha256:"
                    + key.moduleSha256() + ")");
            return null;
        }
        return s.state();
    }

    /** Reads a snapshot file with full verification (for {@code ubiq snapshot inspect}). */
    public static Snapshot read(Path file) throws IOException {
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16)) {
            return SnapshotFormat.read(in);
        }
    }

    private void quarantine(Path f, String why) {
        Path bad = f.resolveSibling(f.getFileName() + ".bad");
        try {
            Files.move(f, bad, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            bad = f;
        }
        log.accept("snapshot " + f + " is not usable: " + why + "; kept as " + bad.getFileName()
                + ", the function is initialised again");
    }

    @Override
    public void save(Key key, InstanceState state) {
        Path f = file(key.function(), key.version());
        Snapshot s = new Snapshot(key.function(), key.version(), key.moduleSha256(), System.currentTimeMillis(), state);
        try {
            write(f, s);
            prune(key.function());
        } catch (IOException | RuntimeException e) {
            log.accept("snapshot " + f + " could not be written (" + e + "); the function runs from its in-memory snapshot"
                    + " and is initialised again after a restart");
        }
    }

    /**
     * Writes {@code s} to {@code target} atomically: a temp file beside it, fsync, rename over the
     * target, fsync of the folder. On failure the temp file is removed and the target is untouched.
     */
    public static void write(Path target, Snapshot s) throws IOException {
        AtomicFiles.write(target, out -> SnapshotFormat.write(s, out));
    }

    private void prune(String function) throws IOException {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir(function))) {
            files = s.filter(p -> FILE.matcher(p.getFileName().toString()).matches())
                    .sorted(Comparator.comparingInt(FileSnapshotStore::version).reversed())
                    .toList();
        }
        for (int i = KEEP_VERSIONS; i < files.size(); i++) {
            Files.deleteIfExists(files.get(i));
        }
    }

    private static int version(Path p) {
        Matcher m = FILE.matcher(p.getFileName().toString());
        return m.matches() ? Integer.parseInt(m.group(1)) : -1;
    }

    @Override
    public void deleteAll(String function) {
        Path d = dir(function);
        if (!Files.isDirectory(d)) {
            return;
        }
        try (Stream<Path> s = Files.walk(d)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.accept("snapshots of " + function + " could not all be deleted from " + d + ": " + e);
        }
    }
}
