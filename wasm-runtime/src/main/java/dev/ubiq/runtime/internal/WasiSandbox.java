package dev.ubiq.runtime.internal;

import com.dylibso.chicory.runtime.HostFunction;
import com.dylibso.chicory.runtime.Instance;
import com.dylibso.chicory.runtime.WasmFunctionHandle;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps a WASI guest inside its preopened directories, around Chicory 1.7.5's WASI, which checks
 * guest paths only as text and then lets Java follow symlinks: a symlink inside a preopen pointing
 * outside it let a guest read and create files outside the sandbox (found by the WASI conformance
 * cases). Every {@code path_*} call is checked first: the host path it names, with every symlink
 * resolved, must stay under the preopen's real path, or the call fails with {@code ENOTCAPABLE}
 * and Chicory never sees it. Chicory's {@code path_rename} is replaced: it asked Java for a move
 * with {@code COPY_ATTRIBUTES}, which Linux refuses, so every rename failed.
 *
 * <p>To know which host directory a descriptor is, it follows the descriptors itself: the
 * preopens are 3, 4, ... in the order given to WASI, {@code path_open} of a directory adds one,
 * {@code fd_close} and {@code fd_renumber} move them. One instance per WASI context; not
 * thread-safe (a guest runs on one thread).
 */
final class WasiSandbox {
    private static final int FIRST_PREOPEN_FD = 3;

    /** WASI preview1 errno values (Chicory's enum of them is not public). */
    enum WasiErrno {
        ESUCCESS(0), EACCES(2), EBADF(8), EEXIST(20), EINVAL(28), EIO(29), EISDIR(31), ENOENT(44),
        ENOTDIR(54), ENOTEMPTY(55), EXDEV(75), ENOTCAPABLE(76);

        private final int value;

        WasiErrno(int value) {
            this.value = value;
        }

        int value() {
            return value;
        }
    }

    private static final long[] NOT_CAPABLE = {WasiErrno.ENOTCAPABLE.value()};

    /** A directory descriptor: its host path and the real path of the preopen it lies in. */
    private record Dir(Path path, Path root) {}

    private final Map<Integer, Dir> dirs = new HashMap<>();

    private WasiSandbox(List<Path> preopens) {
        for (int i = 0; i < preopens.size(); i++) {
            Path p = preopens.get(i);
            Path root;
            try {
                root = p.toRealPath();
            } catch (IOException e) {
                root = p.toAbsolutePath().normalize();
            }
            dirs.put(FIRST_PREOPEN_FD + i, new Dir(p, root));
        }
    }

    /**
     * Wraps Chicory's WASI host functions.
     *
     * @param preopens host directories in the order they were given to {@code WasiOptions}
     */
    static HostFunction[] wrap(HostFunction[] fns, List<Path> preopens) {
        WasiSandbox box = new WasiSandbox(preopens);
        HostFunction[] out = fns.clone();
        for (int i = 0; i < out.length; i++) {
            HostFunction f = out[i];
            WasmFunctionHandle inner = f.handle();
            WasmFunctionHandle h = switch (f.name()) {
                case "path_create_directory", "path_remove_directory", "path_unlink_file" ->
                        (inst, a) -> box.guarded(inst, a, inner, (int) a[0], a[1], a[2]);
                case "path_filestat_get", "path_filestat_set_times" ->
                        (inst, a) -> box.guarded(inst, a, inner, (int) a[0], a[2], a[3]);
                case "path_readlink" -> (inst, a) -> box.guarded(inst, a, inner, (int) a[0], a[1], a[2]);
                case "path_link" -> (inst, a) -> box.allowed(inst, (int) a[0], a[2], a[3])
                        && box.allowed(inst, (int) a[4], a[5], a[6]) ? inner.apply(inst, a) : NOT_CAPABLE;
                case "path_symlink" -> (inst, a) -> box.allowed(inst, (int) a[2], a[0], a[1])
                        && box.allowed(inst, (int) a[2], a[3], a[4]) ? inner.apply(inst, a) : NOT_CAPABLE;
                case "path_open" -> (inst, a) -> box.open(inst, a, inner);
                case "path_rename" -> (inst, a) -> box.rename(inst, a);
                case "fd_close" -> (inst, a) -> box.close(inst, a, inner);
                case "fd_renumber" -> (inst, a) -> box.renumber(inst, a, inner);
                default -> null;
            };
            if (h != null) {
                out[i] = new HostFunction(f.module(), f.name(), f.functionType(), h);
            }
        }
        return out;
    }

    private long[] guarded(Instance inst, long[] args, WasmFunctionHandle inner, int fd, long ptr, long len) {
        return allowed(inst, fd, ptr, len) ? inner.apply(inst, args) : NOT_CAPABLE;
    }

    private static String string(Instance inst, long ptr, long len) {
        return new String(inst.memory().readBytes((int) ptr, (int) len), StandardCharsets.UTF_8);
    }

    /**
     * Whether the guest path stays in the sandbox. Unknown descriptors and paths that are absolute
     * or climb above the directory as text are left to Chicory, which refuses them itself.
     */
    private boolean allowed(Instance inst, int fd, long ptr, long len) {
        Dir d = dirs.get(fd);
        if (d == null) {
            return true;
        }
        return resolve(d, string(inst, ptr, len)) != null;
    }

    /**
     * The host path of {@code raw} under {@code d}, or {@code null} when it would leave the
     * sandbox: the deepest existing ancestor and, when it exists, the path itself, each with every
     * symlink followed, must lie under the preopen's real path.
     */
    private static Path resolve(Dir d, String raw) {
        Path rel;
        try {
            rel = d.path().getFileSystem().getPath(raw).normalize();
        } catch (InvalidPathException e) {
            return null;
        }
        if (rel.isAbsolute() || rel.startsWith("..")) {
            return null;
        }
        Path candidate = d.path().resolve(rel);
        try {
            Path existing = candidate;
            while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
                existing = existing.getParent();
            }
            if (existing == null) {
                return null;
            }
            // a dangling symlink cannot be resolved: judge by its target's parent
            Path real = Files.exists(existing) ? existing.toRealPath() : existing.getParent().toRealPath();
            if (!real.startsWith(d.root())) {
                return null;
            }
        } catch (IOException e) {
            return null;
        }
        return candidate;
    }

    private long[] open(Instance inst, long[] a, WasmFunctionHandle inner) {
        Dir d = dirs.get((int) a[0]);
        Path target = null;
        if (d != null) {
            target = resolve(d, string(inst, a[2], a[3]));
            if (target == null) {
                return NOT_CAPABLE;
            }
        }
        long[] r = inner.apply(inst, a);
        if (d != null && r != null && r.length == 1 && r[0] == 0 && Files.isDirectory(target)) {
            int newFd = inst.memory().readInt((int) a[8]);
            dirs.put(newFd, new Dir(target, d.root()));
        }
        return r;
    }

    private long[] close(Instance inst, long[] a, WasmFunctionHandle inner) {
        long[] r = inner.apply(inst, a);
        if (r != null && r.length == 1 && r[0] == 0) {
            dirs.remove((int) a[0]);
        }
        return r;
    }

    private long[] renumber(Instance inst, long[] a, WasmFunctionHandle inner) {
        long[] r = inner.apply(inst, a);
        if (r != null && r.length == 1 && r[0] == 0 && a[0] != a[1]) {
            Dir moved = dirs.remove((int) a[0]);
            if (moved != null) {
                dirs.put((int) a[1], moved);
            } else {
                dirs.remove((int) a[1]);
            }
        }
        return r;
    }

    /** {@code path_rename(fd, old_ptr, old_len, new_fd, new_ptr, new_len)}: POSIX rename semantics. */
    private long[] rename(Instance inst, long[] a) {
        Dir from = dirs.get((int) a[0]);
        Dir to = dirs.get((int) a[3]);
        if (from == null || to == null) {
            return new long[] {WasiErrno.EBADF.value()};
        }
        String oldRaw = string(inst, a[1], a[2]);
        String newRaw = string(inst, a[4], a[5]);
        Path oldPath = resolve(from, oldRaw);
        Path newPath = resolve(to, newRaw);
        if (oldPath == null || newPath == null) {
            return NOT_CAPABLE;
        }
        WasiErrno e;
        try {
            if (!Files.exists(oldPath, LinkOption.NOFOLLOW_LINKS)) {
                e = WasiErrno.ENOENT;
            } else if (Files.isDirectory(oldPath, LinkOption.NOFOLLOW_LINKS) && Files.exists(newPath)
                    && !Files.isDirectory(newPath)) {
                e = WasiErrno.ENOTDIR;
            } else if (!Files.isDirectory(oldPath, LinkOption.NOFOLLOW_LINKS) && Files.isDirectory(newPath)) {
                e = WasiErrno.EISDIR;
            } else {
                Files.move(oldPath, newPath, StandardCopyOption.ATOMIC_MOVE);
                e = WasiErrno.ESUCCESS;
            }
        } catch (NoSuchFileException x) {
            e = WasiErrno.ENOENT;
        } catch (DirectoryNotEmptyException x) {
            e = WasiErrno.ENOTEMPTY;
        } catch (FileAlreadyExistsException x) {
            e = WasiErrno.EEXIST;
        } catch (AccessDeniedException x) {
            e = WasiErrno.EACCES;
        } catch (AtomicMoveNotSupportedException x) {
            e = WasiErrno.EXDEV;
        } catch (FileSystemException x) {
            String reason = String.valueOf(x.getReason());
            e = reason.contains("Directory not empty") ? WasiErrno.ENOTEMPTY
                    : reason.contains("Not a directory") ? WasiErrno.ENOTDIR
                    : reason.contains("Is a directory") ? WasiErrno.EISDIR
                    : reason.contains("Invalid argument") ? WasiErrno.EINVAL : WasiErrno.EIO;
        } catch (IOException x) {
            e = WasiErrno.EIO;
        }
        return new long[] {e.value()};
    }
}
