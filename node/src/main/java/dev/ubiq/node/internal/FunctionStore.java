package dev.ubiq.node.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import dev.ubiq.runtime.internal.CodeCache.AtomicFiles;

/**
 * The functions part of a node's data directory. Every write is atomic (temp file, fsync, rename);
 * a version becomes current only when the one-line {@code current} pointer is renamed into place,
 * after its module and manifest are complete on disk. A kill at any moment therefore leaves the
 * old version or the new one, never a half-written one.
 *
 * <pre>
 * functions/
 *   NAME/
 *     v3.wasm  v3.manifest.json      older versions kept for inspection ({@link #KEEP_VERSIONS})
 *     v4.wasm  v4.manifest.json
 *     current                        "4\n"  (written last, by rename)
 *   .trash-NAME-1717000000000/       a deleted function, removed at the next start
 * </pre>
 */
public final class FunctionStore {
    /** Versions kept on disk per function, the current one included. */
    public static final int KEEP_VERSIONS = 3;
    private static final Pattern VERSION_FILE = Pattern.compile("v(\\d+)\\.wasm");

    private final Path root;

    public FunctionStore(Path dataDir) {
        this.root = dataDir.resolve("functions");
    }

    public Path root() {
        return root;
    }

    /** One stored, current function. */
    public record Stored(String name, int version, byte[] wasm, String manifestJson) {}

    /**
     * Writes a version's files. Not current until {@link #makeCurrent}.
     *
     * @throws IOException on any write failure (full disk included); nothing of the version is
     *     left behind then
     */
    public void writeVersion(String name, int version, byte[] wasm, String manifestJson) throws IOException {
        Path dir = root.resolve(name);
        Path w = dir.resolve("v" + version + ".wasm");
        Path m = dir.resolve("v" + version + ".manifest.json");
        try {
            AtomicFiles.write(w, wasm);
            AtomicFiles.write(m, manifestJson.getBytes(StandardCharsets.UTF_8));
        } catch (IOException | RuntimeException e) {
            deleteQuietly(w);
            deleteQuietly(m);
            throw e;
        }
    }

    /** Drops a version written by {@link #writeVersion} that never became current. */
    public void discardVersion(String name, int version) {
        Path dir = root.resolve(name);
        deleteQuietly(dir.resolve("v" + version + ".wasm"));
        deleteQuietly(dir.resolve("v" + version + ".manifest.json"));
    }

    /** Atomically points {@code current} at a written version, then prunes old versions. */
    public void makeCurrent(String name, int version) throws IOException {
        Path dir = root.resolve(name);
        AtomicFiles.write(dir.resolve("current"), (version + "\n").getBytes(StandardCharsets.US_ASCII));
        List<Integer> versions = versions(name);
        for (int i = 0; i < versions.size() - KEEP_VERSIONS; i++) {
            discardVersion(name, versions.get(i));
        }
    }

    /** Removes a function: one atomic rename out of the way, then a best-effort delete. */
    public void delete(String name) throws IOException {
        Path dir = root.resolve(name);
        if (!Files.exists(dir)) {
            return;
        }
        Path trash = root.resolve(".trash-" + name + "-" + System.nanoTime());
        Files.move(dir, trash, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(trash);
    }

    /** The versions stored for a function, oldest first. */
    public List<Integer> versions(String name) {
        List<Integer> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(root.resolve(name))) {
            s.forEach(p -> {
                Matcher mt = VERSION_FILE.matcher(p.getFileName().toString());
                if (mt.matches()) {
                    out.add(Integer.parseInt(mt.group(1)));
                }
            });
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(Comparator.naturalOrder());
        return out;
    }

    /**
     * Everything current on disk, for a restart. Finishes what an interrupted run left: removes
     * trash, temp files and versions newer than {@code current} that never became current.
     *
     * @param problems receives one line per function that cannot be loaded (it is skipped)
     */
    public List<Stored> loadAll(java.util.function.Consumer<String> problems) throws IOException {
        List<Stored> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out;
        }
        List<Path> entries;
        try (Stream<Path> s = Files.list(root)) {
            entries = s.sorted().toList();
        }
        for (Path dir : entries) {
            String fn = dir.getFileName().toString();
            if (fn.startsWith(".trash-")) {
                deleteTree(dir);
                continue;
            }
            if (!Files.isDirectory(dir) || fn.startsWith(".")) {
                continue;
            }
            try (Stream<Path> s = Files.list(dir)) {
                for (Path p : s.toList()) {
                    if (p.getFileName().toString().endsWith(".tmp")) {
                        deleteQuietly(p);
                    }
                }
            }
            Path current = dir.resolve("current");
            if (!Files.exists(current)) {
                // a first deploy killed before its pointer was written: nothing was ever live
                problems.accept("function '" + fn + "' in " + dir + " has no 'current' pointer (a first deploy "
                        + "interrupted before it completed, or a damaged data dir): removed " + versions(fn).size()
                        + " stored version(s)");
                deleteTree(dir);
                continue;
            }
            try {
                int v = Integer.parseInt(Files.readString(current, StandardCharsets.US_ASCII).strip());
                for (int other : versions(fn)) {
                    if (other > v) {
                        discardVersion(fn, other);
                    }
                }
                byte[] wasm = Files.readAllBytes(dir.resolve("v" + v + ".wasm"));
                String manifest = Files.readString(dir.resolve("v" + v + ".manifest.json"), StandardCharsets.UTF_8);
                out.add(new Stored(fn, v, wasm, manifest));
            } catch (IOException | NumberFormatException e) {
                problems.accept("function '" + fn + "' in " + dir + " cannot be loaded: " + e);
            }
        }
        return out;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException ignored) {
            // a leftover file is cleaned at the next start
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
