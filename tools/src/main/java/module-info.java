/**
 * The {@code ubiq} command line ({@code bin/ubiq}): {@code ubiq run} and {@code ubiq inspect} on an
 * embedded {@link dev.ubiq.runtime.UbiqRuntime}. Entry point: {@link dev.ubiq.tools.UbiqCli}.
 */
module dev.ubiq.tools {
    requires dev.ubiq.runtime;
    requires info.picocli;
    requires com.fasterxml.jackson.databind;

    // picocli reads the annotated command classes reflectively
    opens dev.ubiq.tools to info.picocli;

    exports dev.ubiq.tools;
}
