package dev.ubiq.conformance.wasi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * One folder of {@code conformance-tests/wasi/cases}: a WASI program, how to run it and what it
 * must leave behind. The folder holds
 *
 * <pre>
 *   main.c | main.rs      the source, built by conformance-tests/wasi/build.sh into NAME.wasm
 *   NAME.wasm             the committed build
 *   case.toml             description, args, [env], stdin (a file name), exit_code,
 *                         [dirs] guest path = folder under the case root, [symlinks] link = target
 *   stdin.txt             (optional) the request body / stdin
 *   fs/                   (optional) copied to a fresh case root before the run
 *   expected.stdout       exactly
 *   expected.stderr       (optional) exactly
 *   expected-fs/          (optional) the case root afterwards, every file and folder; symlinks
 *                         listed in case.toml are checked separately
 * </pre>
 *
 * The guest's argv[0] is the case name in every host (the function name in Ubiq).
 */
record WasiCase(
        String name,
        Path dir,
        String description,
        List<String> args,
        Map<String, String> env,
        Path stdin,
        int exitCode,
        Map<String, String> dirs,
        Map<String, String> symlinks) {

    static final Path ROOT = Path.of(System.getProperty("ubiq.root", "..")).toAbsolutePath().normalize();
    static final Path CASES = ROOT.resolve("conformance-tests/wasi/cases");
    private static final TomlMapper TOML = new TomlMapper();

    /** What one host run left: exit code, stdout, stderr. */
    record Run(int exitCode, String stdout, String stderr) {}

    static List<WasiCase> all() {
        try (Stream<Path> s = Files.list(CASES)) {
            List<WasiCase> out = s.filter(Files::isDirectory).sorted().map(WasiCase::load).toList();
            if (out.isEmpty()) {
                throw new IllegalStateException("no WASI cases in " + CASES);
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static WasiCase load(Path dir) {
        String name = dir.getFileName().toString();
        try {
            JsonNode t = TOML.readTree(dir.resolve("case.toml").toFile());
            List<String> args = new ArrayList<>();
            t.path("args").forEach(a -> args.add(a.asText()));
            return new WasiCase(name, dir, t.path("description").asText(""), List.copyOf(args),
                    table(t.path("env")), t.has("stdin") ? dir.resolve(t.get("stdin").asText()) : null,
                    t.path("exit_code").asInt(0), table(t.path("dirs")), table(t.path("symlinks")));
        } catch (IOException e) {
            throw new UncheckedIOException("case " + name + ": cannot read case.toml", e);
        }
    }

    private static Map<String, String> table(JsonNode n) {
        Map<String, String> m = new LinkedHashMap<>();
        n.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }

    Path wasm() {
        return dir.resolve(name + ".wasm");
    }

    byte[] stdinBytes() {
        try {
            return stdin == null ? new byte[0] : Files.readAllBytes(stdin);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Guest path to absolute host path under {@code root}. */
    Map<String, Path> preopens(Path root) {
        Map<String, Path> m = new LinkedHashMap<>();
        dirs.forEach((guest, host) -> m.put(guest, root.resolve(host)));
        return m;
    }

    /** Lays out a fresh case root: a copy of {@code fs/}, the preopened folders, the symlinks. */
    Path prepareRoot(Path root) throws IOException {
        Files.createDirectories(root);
        Path fs = dir.resolve("fs");
        if (Files.isDirectory(fs)) {
            copyTree(fs, root);
        }
        for (Path p : preopens(root).values()) {
            Files.createDirectories(p);
        }
        for (var e : symlinks.entrySet()) {
            Files.createSymbolicLink(root.resolve(e.getKey()), Path.of(target(root, e.getValue())));
        }
        return root;
    }

    private static String target(Path root, String spelled) {
        return spelled.replace("${root}", root.toString());
    }

    /** Everything that differs from the expectation; empty when the run conforms. */
    List<String> differences(Run run, Path root) throws IOException {
        List<String> d = new ArrayList<>();
        if (run.exitCode() != exitCode) {
            d.add("exit code: expected " + exitCode + ", got " + run.exitCode());
        }
        String out = read(dir.resolve("expected.stdout"));
        if (!out.equals(run.stdout())) {
            d.add("stdout differs:\n" + lineDiff(out, run.stdout()));
        }
        Path errFile = dir.resolve("expected.stderr");
        if (Files.exists(errFile) && !read(errFile).equals(run.stderr())) {
            d.add("stderr differs:\n" + lineDiff(read(errFile), run.stderr()));
        }
        Path expectedFs = dir.resolve("expected-fs");
        if (Files.isDirectory(expectedFs)) {
            Map<String, String> want = tree(expectedFs, Map.of());
            Map<String, String> got = tree(root, symlinks);
            if (!want.equals(got)) {
                d.add("files differ:\n" + lineDiff(render(want), render(got)));
            }
        }
        for (var e : symlinks.entrySet()) {
            Path link = root.resolve(e.getKey());
            String want = target(root, e.getValue());
            if (!Files.isSymbolicLink(link) || !Files.readSymbolicLink(link).toString().equals(want)) {
                d.add("symlink " + e.getKey() + " is no longer a link to " + e.getValue());
            }
        }
        return d;
    }

    /** Relative path to "dir" or the file's content, symlinks of the case left out. */
    private static Map<String, String> tree(Path base, Map<String, String> skip) throws IOException {
        Map<String, String> m = new TreeMap<>();
        try (Stream<Path> s = Files.walk(base)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                String rel = base.relativize(p).toString();
                if (rel.isEmpty() || skip.containsKey(rel)) {
                    continue;
                }
                if (Files.isSymbolicLink(p)) {
                    m.put(rel, "symlink -> " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    m.put(rel, "dir");
                } else {
                    m.put(rel, "file: " + read(p).replace("\n", "\\n"));
                }
            }
        }
        return m;
    }

    private static String render(Map<String, String> tree) {
        StringBuilder b = new StringBuilder();
        tree.forEach((k, v) -> b.append(k).append(" (").append(v).append(")\n"));
        return b.toString();
    }

    static String read(Path p) throws IOException {
        return Files.readString(p, StandardCharsets.UTF_8);
    }

    /** The lines only one side has, marked - (expected) and + (actual), in order. */
    static String lineDiff(String expected, String actual) {
        List<String> e = expected.lines().toList();
        List<String> a = actual.lines().toList();
        StringBuilder b = new StringBuilder();
        for (String l : e) {
            if (!a.contains(l)) {
                b.append("  - ").append(l).append('\n');
            }
        }
        for (String l : a) {
            if (!e.contains(l)) {
                b.append("  + ").append(l).append('\n');
            }
        }
        if (b.isEmpty()) {
            b.append("  (same lines; order, repetition or the final newline differ)\n");
        }
        return b.toString();
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> s = Files.walk(from)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                Path dst = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(dst);
                } else {
                    Files.copy(p, dst);
                }
            }
        }
    }

    @Override
    public String toString() {
        return name;
    }
}
