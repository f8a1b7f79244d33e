package dev.ubiq.tools;

import dev.ubiq.snapshot.CorruptSnapshotException;
import dev.ubiq.snapshot.FileSnapshotStore;
import dev.ubiq.snapshot.Snapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * {@code ubiq snapshot}: tools for pre-initialised snapshot files (a node keeps them in
 * {@code DATA_DIR/snapshots/NAME/vN.snapshot}).
 *
 * <pre>{@code
 * ubiq snapshot inspect ~/.local/share/ubiq/snapshots/thumb/v4.snapshot
 * }</pre>
 */
@Command(name = "snapshot",
        mixinStandardHelpOptions = true,
        versionProvider = UbiqCli.VersionProvider.class,
        description = "Tools for pre-initialised snapshot files (DATA_DIR/snapshots/NAME/vN.snapshot).",
        subcommands = {SnapshotCommand.Inspect.class})
final class SnapshotCommand implements Callable<Integer> {
    private final UbiqCli.Io io;

    SnapshotCommand(UbiqCli.Io io) {
        this.io = io;
    }

    @Override
    public Integer call() {
        throw new CliFailure(ExitCodes.USAGE, "snapshot: missing subcommand (inspect)");
    }

    /** {@code ubiq snapshot inspect FILE}: verifies the file completely and prints what it holds. */
    @Command(name = "inspect",
            mixinStandardHelpOptions = true,
            versionProvider = UbiqCli.VersionProvider.class,
            description = "Verifies a snapshot file (format version, header and section checksums) and prints "
                    + "the function, module digest, memory, globals and tables it holds.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:the snapshot is intact",
                "2:usage error (file missing or unreadable)",
                "126:the file is not an intact snapshot (corrupted, truncated, other format version)"
            })
    static final class Inspect implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "FILE", description = "The .snapshot file.")
        private Path file;

        @picocli.CommandLine.ParentCommand
        private SnapshotCommand parent;

        @Override
        public Integer call() {
            Snapshot s;
            try {
                s = FileSnapshotStore.read(file);
            } catch (NoSuchFileException e) {
                throw new CliFailure(ExitCodes.USAGE, file + ": no such file");
            } catch (CorruptSnapshotException e) {
                throw new CliFailure(ExitCodes.BAD_MODULE, file + ": " + e.getMessage());
            } catch (IOException e) {
                throw new CliFailure(ExitCodes.USAGE, file + ": cannot read: " + e.getMessage());
            }
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                size = -1;
            }
            parent.io.out().println("file       " + file);
            parent.io.out().println("size       " + size + " bytes, format version 1, checksums ok");
            parent.io.out().print(s.describe());
            return ExitCodes.OK;
        }
    }
}
