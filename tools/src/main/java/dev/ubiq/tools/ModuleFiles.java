package dev.ubiq.tools;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads a module file for a command, turning every problem into one {@link CliFailure} line. */
final class ModuleFiles {
    private ModuleFiles() {}

    /**
     * The file's bytes.
     *
     * @throws CliFailure {@link ExitCodes#USAGE} when the file is missing, a directory or unreadable;
     *     {@link ExitCodes#BAD_MODULE} when it is larger than {@code maxBytes}
     */
    static byte[] read(Path file, long maxBytes) {
        try {
            if (Files.isDirectory(file)) {
                throw new CliFailure(ExitCodes.USAGE, "module '" + file + "' is a directory, not a .wasm file");
            }
            long size = Files.size(file);
            if (size > maxBytes) {
                throw new CliFailure(ExitCodes.BAD_MODULE, "module '" + file + "' is " + size
                        + " bytes, above the module size limit of " + maxBytes + " bytes");
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new CliFailure(ExitCodes.USAGE, "module file '" + file + "' does not exist");
        } catch (AccessDeniedException e) {
            throw new CliFailure(ExitCodes.USAGE, "cannot read module file '" + file + "': permission denied");
        } catch (IOException e) {
            throw new CliFailure(ExitCodes.USAGE, "cannot read module file '" + file + "': " + e.getMessage());
        }
    }
}
