package dev.ubiq.tools;

/**
 * Ends a command with one line on stderr ({@code ubiq: error: <message>}) and an exit code from
 * {@link ExitCodes}. Thrown only inside the commands; {@link UbiqCli} turns it into the line.
 */
final class CliFailure extends RuntimeException {
    final int exitCode;

    CliFailure(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }
}
