package dev.ubiq.node;

import java.nio.file.Path;

/**
 * Starts a node from the command line without the CLI module: {@code java -cp ... dev.ubiq.node.NodeMain
 * [--port N] [--data-dir DIR] [--bind ADDR]}. Prints {@code listening on PORT} once it serves, and
 * stops on SIGTERM/SIGINT. {@code ubiq serve} is the full-featured front end; this one exists so
 * the node's own tests can run it as a real process (and kill it).
 */
public final class NodeMain {
    private NodeMain() {}

    public static void main(String[] args) throws Exception {
        UbiqNode.Builder b = UbiqNode.builder().withLog(System.err::println);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> b.withPort(Integer.parseInt(args[++i]));
                case "--data-dir" -> b.withDataDir(Path.of(args[++i]));
                case "--bind" -> b.withBindAddress(args[++i]);
                default -> {
                    System.err.println("usage: NodeMain [--port N] [--data-dir DIR] [--bind ADDR]");
                    System.exit(2);
                }
            }
        }
        UbiqNode node = b.start();
        Runtime.getRuntime().addShutdownHook(new Thread(node::close));
        System.out.println("listening on " + node.port());
        System.out.flush();
        node.awaitShutdown();
    }
}
