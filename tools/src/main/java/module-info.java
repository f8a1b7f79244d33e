/**
 * The {@code ubiq} command line ({@code bin/ubiq}): {@code ubiq run} and {@code ubiq inspect} on an
 * embedded {@link dev.ubiq.runtime.UbiqRuntime}, {@code ubiq serve} (a {@link dev.ubiq.node.UbiqNode}
 * in the foreground), and the node's HTTP client commands ({@code deploy}, {@code invoke},
 * {@code ls}, {@code rm}, {@code logs}, {@code status}). Entry point: {@link dev.ubiq.tools.UbiqCli}.
 */
module dev.ubiq.tools {
    requires dev.ubiq.runtime;
    requires dev.ubiq.node;
    requires dev.ubiq.snapshot;
    requires info.picocli;
    requires java.net.http;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.toml;

    // picocli reads the annotated command classes reflectively
    opens dev.ubiq.tools to info.picocli;

    exports dev.ubiq.tools;
}
