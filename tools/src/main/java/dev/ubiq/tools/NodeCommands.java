package dev.ubiq.tools;

import com.fasterxml.jackson.databind.JsonNode;
import dev.ubiq.runtime.Manifest;
import dev.ubiq.runtime.UbiqException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The client commands of a node's HTTP API ({@code dev.ubiq.node.internal.ApiHandler}): {@code deploy}, {@code invoke},
 * {@code ls}, {@code rm}, {@code logs}, {@code status}. Each finds its node and token through
 * {@link ClientOptions} and talks to it with {@link NodeClient}.
 *
 * <pre>{@code
 * ubiq deploy hello guests/out/hello.wasm --manifest hello.toml
 * ubiq invoke hello --data 'edge box'
 * ubiq ls --output json
 * }</pre>
 */
final class NodeCommands {
    private NodeCommands() {}

    /** {@code --output}: a table for people, the API's JSON unchanged for scripts. */
    enum Output {
        table,
        json
    }

    static String checkedName(String name) {
        if (!Manifest.isValidName(name)) {
            throw new CliFailure(ExitCodes.USAGE, "invalid function name '" + name
                    + "' (1-64 of [A-Za-z0-9_-], starting with a letter or digit)");
        }
        return name;
    }

    private static void printJson(UbiqCli.Io io, NodeClient.Response r) {
        io.out().writeBytes(r.body());
        if (r.body().length == 0 || r.body()[r.body().length - 1] != '\n') {
            io.out().println();
        }
    }

    /** Left-aligned columns two spaces apart; the last column is not padded. */
    static String table(List<String[]> rows) {
        int cols = rows.getFirst().length;
        int[] width = new int[cols];
        for (String[] row : rows) {
            for (int i = 0; i < cols; i++) {
                width[i] = Math.max(width[i], row[i].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        for (String[] row : rows) {
            for (int i = 0; i < cols; i++) {
                sb.append(i == cols - 1 ? row[i] : String.format("%-" + (width[i] + 2) + "s", row[i]));
            }
            sb.setLength(sb.toString().stripTrailing().length());
            sb.append('\n');
        }
        return sb.toString();
    }

    private static String shortSha(JsonNode f) {
        String sha = f.path("sha256").asText("");
        return sha.length() > 12 ? sha.substring(0, 12) : sha;
    }

    @Command(name = "deploy",
            mixinStandardHelpOptions = true,
            versionProvider = UbiqCli.VersionProvider.class,
            description = {
                "Uploads a module (and optionally its manifest) to a node as function NAME: a new version, live "
                        + "once it has compiled. PUT /v1/functions/NAME; needs an admin token.",
                "Uploads above 1 MiB show a progress bar when stderr is a terminal."
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:deployed",
                "1:the node is unreachable, the token is missing, wrong or not an admin token, or another node error",
                "2:usage error (bad flags, module or manifest file missing or unreadable, invalid manifest or name)",
                "125:the module's initial memory is above the node's memory limit",
                "126:malformed, invalid, too large or unlinkable module, or it failed to instantiate"
            })
    static final class Deploy implements Callable<Integer> {
        /** Read no more than this into memory; the node's own limit (32 MiB by default) decides. */
        static final long MAX_MODULE_BYTES = RunCommand.MAX_MODULE_BYTES;

        @Mixin
        ClientOptions client = new ClientOptions();

        @Parameters(index = "0", paramLabel = "NAME", description = "Function name: 1-64 of [A-Za-z0-9_-].")
        String name;

        @Parameters(index = "1", paramLabel = "MODULE", description = "The .wasm file.")
        Path module;

        @Option(names = "--manifest", paramLabel = "FILE",
                description = "Manifest, TOML or JSON (.json): limits, route, env, args, capabilities. "
                        + "Checked here before the upload.")
        Path manifest;

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
                description = "table (default) or json: the node's answer as it sent it.")
        Output output = Output.table;

        private final UbiqCli.Io io;

        Deploy(UbiqCli.Io io) {
            this.io = io;
        }

        @Override
        public Integer call() {
            checkedName(name);
            byte[] wasm = ModuleFiles.read(module, MAX_MODULE_BYTES);
            String manifestText = manifest == null ? null : readManifest(manifest);
            try (NodeClient c = new NodeClient(client.resolve(io.env()), io)) {
                NodeClient.Response r;
                if (manifestText == null) {
                    r = c.send("PUT", "/v1/functions/" + name, c.upload(wasm), "application/wasm", NodeClient.DEPLOY_TIMEOUT);
                } else {
                    byte[] nonce = new byte[12];
                    new SecureRandom().nextBytes(nonce);
                    String boundary = "ubiq-" + HexFormat.of().formatHex(nonce);
                    byte[] body = multipart(boundary, wasm, module.getFileName().toString(),
                            manifestText, manifest.getFileName().toString());
                    r = c.send("PUT", "/v1/functions/" + name, c.upload(body),
                            "multipart/form-data; boundary=" + boundary, NodeClient.DEPLOY_TIMEOUT);
                }
                if (r.status() == 413 && r.json() == null) {
                    // refused before the API saw it: the body is above the node's module size limit
                    throw new CliFailure(ExitCodes.BAD_MODULE, "module_too_large: the node refused the upload of "
                            + wasm.length + " bytes (HTTP 413): the module is above its module size limit");
                }
                if (!r.ok()) {
                    throw c.failure(r);
                }
                if (output == Output.json) {
                    printJson(io, r);
                } else {
                    JsonNode f = r.json();
                    if (f == null) {
                        throw new CliFailure(ExitCodes.HOST_ERROR, "the node answered the deploy with no JSON: " + r.errorMessage());
                    }
                    io.out().println("deployed " + f.path("name").asText() + " version " + f.path("version").asInt()
                            + ": " + f.path("shape").asText() + ", " + f.path("mode").asText() + ", "
                            + f.path("size_bytes").asLong() + " bytes, sha256 " + shortSha(f)
                            + (f.hasNonNull("route") ? ", route " + f.get("route").asText() : ""));
                }
            }
            return ExitCodes.OK;
        }

        /** The manifest text, parsed here first so a typo fails before a large upload. */
        private static String readManifest(Path file) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                throw new CliFailure(ExitCodes.USAGE, "manifest file '" + file + "' does not exist");
            } catch (AccessDeniedException e) {
                throw new CliFailure(ExitCodes.USAGE, "cannot read manifest file '" + file + "': permission denied");
            } catch (IOException e) {
                throw new CliFailure(ExitCodes.USAGE, "cannot read manifest file '" + file + "': " + e.getMessage());
            }
            try {
                // the node tells JSON from TOML the same way: by a .json name or a leading '{'
                if (file.getFileName().toString().endsWith(".json") || text.stripLeading().startsWith("{")) {
                    Manifest.parseJson(text);
                } else {
                    Manifest.parseToml(text);
                }
            } catch (UbiqException e) {
                throw new CliFailure(ExitCodes.USAGE, "manifest " + file + ": " + e.getMessage());
            }
            return text;
        }

        /** {@code multipart/form-data} with parts {@code module} and {@code manifest}, as the node reads them. */
        static byte[] multipart(String boundary, byte[] wasm, String wasmFile, String manifest, String manifestFile) {
            var out = new ByteArrayOutputStream(wasm.length + manifest.length() + 512);
            part(out, boundary, "module", wasmFile, "application/wasm", wasm);
            part(out, boundary, "manifest", manifestFile, "application/octet-stream",
                    manifest.getBytes(StandardCharsets.UTF_8));
            out.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
            return out.toByteArray();
        }

        private static void part(ByteArrayOutputStream out, String boundary, String name, String file,
                String type, byte[] content) {
            String safeFile = file.replaceAll("[\"\\\\\\r\\n]", "_");
            String head = "--" + boundary + "\r\n"
                    + "Content-Disposition: form-data; name=\"" + name + "\"; filename=\"" + safeFile + "\"\r\n"
                    + "Content-Type: " + type + "\r\n"
                    + "Content-Transfer-Encoding: binary\r\n\r\n";
            out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
            out.writeBytes(content);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
    }

    @Command(name = "invoke",
            mixinStandardHelpOptions = true,
            versionProvider = UbiqCli.VersionProvider.class,
            description = {
                "Invokes function NAME on a node once (POST /v1/functions/NAME/invoke) and writes its response "
                        + "body to stdout unchanged. Needs an invoke or admin token.",
                "On failure the guest's log (when the node sent it) and then one line 'ubiq: error: KIND: MESSAGE' "
                        + "go to stderr; the exit code matches 'ubiq run' where the outcome is the same."
            },
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {
                "0:the function answered (200)",
                "N:the guest exited with code N (guest_error)",
                "1:anything else: the node is unreachable, a token problem, no such function, busy (429) "
                        + "or the node at its concurrency limit (503), payload too large, host error",
                "2:usage error (bad flags, --data file missing)",
                "124:the invocation passed its deadline (timeout, 504)",
                "125:the guest exceeded its memory limit (memory_limit)",
                "134:the guest trapped (trap)"
            })
    static final class Invoke implements Callable<Integer> {
        /** Read no more than this as the request; the node's payload limit (8 MiB by default) decides. */
        static final int MAX_REQUEST_BYTES = RunCommand.MAX_REQUEST_BYTES;

        @Mixin
        ClientOptions client = new ClientOptions();

        @Parameters(index = "0", paramLabel = "NAME", description = "The function.")
        String name;

        @Option(names = {"-d", "--data"}, paramLabel = "@FILE|-|TEXT",
                description = "The request body: the contents of FILE (@FILE), stdin read to its end (-), or TEXT "
                        + "itself. Default: empty.")
        String data;

        private final UbiqCli.Io io;

        Invoke(UbiqCli.Io io) {
            this.io = io;
        }

        @Override
        public Integer call() {
            checkedName(name);
            byte[] body = requestBody();
            try (NodeClient c = new NodeClient(client.resolve(io.env()), io)) {
                NodeClient.Response r = c.send("POST", "/v1/functions/" + name + "/invoke", c.upload(body),
                        "application/octet-stream", NodeClient.INVOKE_TIMEOUT);
                if (r.ok()) {
                    io.out().writeBytes(r.body());
                    io.out().flush();
                    return ExitCodes.OK;
                }
                if (r.status() == 401 || r.status() == 403) {
                    throw c.failure(r);
                }
                JsonNode n = r.json();
                if (n != null && n.hasNonNull("log")) {
                    io.err().print(n.get("log").asText());
                    if (!n.get("log").asText().endsWith("\n")) {
                        io.err().println();
                    }
                }
                String kind = r.errorKind();
                String message = r.errorMessage();
                if (r.status() == 413 && n == null) {
                    // refused before the API saw it, with no JSON body
                    kind = "payload_too_large";
                    message = "the node refused a request of " + body.length + " bytes (HTTP 413): above its payload limit";
                }
                int code = switch (kind) {
                    case "timeout" -> ExitCodes.TIMEOUT;
                    case "memory_limit" -> ExitCodes.MEMORY_LIMIT;
                    case "trap" -> ExitCodes.TRAP;
                    case "guest_error" -> {
                        int exit = n == null ? 0 : n.path("exit_code").asInt(0);
                        yield exit > 0 && exit < 256 ? exit : ExitCodes.HOST_ERROR;
                    }
                    default -> ExitCodes.HOST_ERROR;
                };
                String hint = switch (r.status()) {
                    case 429, 503 -> " (retry shortly)";
                    default -> "";
                };
                throw new CliFailure(code, kind + ": " + message + hint);
            }
        }

        private byte[] requestBody() {
            if (data == null) {
                return new byte[0];
            }
            if (data.equals("-") || data.equals("@-")) {
                try {
                    byte[] b = io.in().readNBytes(MAX_REQUEST_BYTES + 1);
                    if (b.length > MAX_REQUEST_BYTES) {
                        throw new CliFailure(ExitCodes.USAGE, "stdin is larger than " + MAX_REQUEST_BYTES + " bytes");
                    }
                    return b;
                } catch (IOException e) {
                    throw new CliFailure(ExitCodes.HOST_ERROR, "cannot read stdin: " + e.getMessage());
                }
            }
            if (data.startsWith("@")) {
                Path file = Path.of(data.substring(1));
                try {
                    if (Files.size(file) > MAX_REQUEST_BYTES) {
                        throw new CliFailure(ExitCodes.USAGE, "--data file '" + file + "' is larger than "
                                + MAX_REQUEST_BYTES + " bytes");
                    }
                    return Files.readAllBytes(file);
                } catch (NoSuchFileException e) {
                    throw new CliFailure(ExitCodes.USAGE, "--data file '" + file + "' does not exist");
                } catch (IOException e) {
                    throw new CliFailure(ExitCodes.USAGE, "cannot read --data file '" + file + "': " + e.getMessage());
                }
            }
            return data.getBytes(StandardCharsets.UTF_8);
        }
    }

    @Command(name = "ls",
            mixinStandardHelpOptions = true,
            versionProvider = UbiqCli.VersionProvider.class,
            description = "Lists the functions deployed on a node (GET /v1/functions); needs an admin token.")
    static final class Ls implements Callable<Integer> {
        @Mixin
        ClientOptions client = new ClientOptions();

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
                description = "table (default) or json: the node's answer as it sent it.")
        Output output = Output.table;

        private final UbiqCli.Io io;

        Ls(UbiqCli.Io io) {
            this.io = io;
        }

        @Override
        public Integer call() {
            try (NodeClient c = new NodeClient(client.resolve(io.env()), io)) {
                NodeClient.Response r = c.send("GET", "/v1/functions", null, null, NodeClient.ADMIN_TIMEOUT);
                if (!r.ok()) {
                    throw c.failure(r);
                }
                if (output == Output.json) {
                    printJson(io, r);
                    return ExitCodes.OK;
                }
                JsonNode root = r.json();
                if (root == null || !root.path("functions").isArray()) {
                    throw new CliFailure(ExitCodes.HOST_ERROR, "the node's function list is not JSON: " + r.errorMessage());
                }
                if (root.get("functions").isEmpty()) {
                    io.out().println("no functions deployed on " + c.target().url());
                    return ExitCodes.OK;
                }
                List<String[]> rows = new ArrayList<>();
                rows.add(new String[] {"NAME", "VERSION", "SHAPE", "MODE", "ROUTE", "SIZE", "SHA256", "DEPLOYED"});
                for (JsonNode f : root.get("functions")) {
                    rows.add(new String[] {
                        f.path("name").asText(),
                        f.path("version").asText(),
                        f.path("shape").asText(),
                        f.path("mode").asText(),
                        f.hasNonNull("route") ? f.get("route").asText() : "-",
                        f.path("size_bytes").asText(),
                        shortSha(f),
                        f.path("deployed_at").asText()
                    });
                }
                io.out().print(table(rows));
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "rm",
            mixinStandardHelpOptions = true,
            versionProvider = UbiqCli.VersionProvider.class,
            description = "Removes function NAME from a node, its stored versions included (DELETE /v1/functions/NAME); "
                    + "calls in flight finish. Needs an admin token.")
    static final class Rm implements Callable<Integer> {
        @Mixin
        ClientOptions client = new ClientOptions();

        @Parameters(index = "0", paramLabel = "NAME", description = "The function.")
        String name;

        private final UbiqCli.Io io;

        Rm(UbiqCli.Io io) {
            this.io = io;
        }

        @Override
        public Integer call() {
            checkedName(name);
            try (NodeClient c = new NodeClient(client.resolve(io.env()), io)) {
                NodeClient.Response r = c.send("DELETE", "/v1/functions/" + name, null, null, NodeClient.ADMIN_TIMEOUT);
                if (!r.ok()) {
                    throw c.failure(r);
                }
                io.out().println("removed " + name);
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "logs",
            mixinStandardHelpOptions = true,
            versionProvider = UbiqCli.VersionProvider.class,
            description = "Prints the last lines a function logged (its stderr, and a line per failed call) "
                    + "from the node's in-memory ring (GET /v1/functions/NAME/logs); needs an admin token.")
    static final class Logs implements Callable<Integer> {
        @Mixin
        ClientOptions client = new ClientOptions();

        @Parameters(index = "0", paramLabel = "NAME", description = "The function.")
        String name;

        @Option(names = {"-n", "--lines"}, paramLabel = "N",
                description = "How many of the last lines, 1 to 100000. Default: 200.")
        int lines = 200;

        private final UbiqCli.Io io;

        Logs(UbiqCli.Io io) {
            this.io = io;
        }

        @Override
        public Integer call() {
            checkedName(name);
            if (lines < 1 || lines > 100_000) {
                throw new CliFailure(ExitCodes.USAGE, "--lines " + lines + " is out of range [1, 100000]");
            }
            try (NodeClient c = new NodeClient(client.resolve(io.env()), io)) {
                NodeClient.Response r = c.send("GET", "/v1/functions/" + name + "/logs?lines=" + lines, null, null,
                        NodeClient.ADMIN_TIMEOUT);
                if (!r.ok()) {
                    throw c.failure(r);
                }
                io.out().writeBytes(r.body());
                io.out().flush();
            }
            return ExitCodes.OK;
        }
    }

    @Command(name = "status",
            mixinStandardHelpOptions = true,
            versionProvider = UbiqCli.VersionProvider.class,
            description = "Asks a node whether it is up (GET /healthz, no token needed): exit code 0 when it "
                    + "answers ok, 1 when it is unreachable or unhealthy.")
    static final class Status implements Callable<Integer> {
        @Mixin
        ClientOptions client = new ClientOptions();

        @Option(names = {"-o", "--output"}, paramLabel = "FORMAT",
                description = "table (default) or json: the node's answer as it sent it.")
        Output output = Output.table;

        private final UbiqCli.Io io;

        Status(UbiqCli.Io io) {
            this.io = io;
        }

        @Override
        public Integer call() {
            try (NodeClient c = new NodeClient(client.resolve(io.env()), io)) {
                NodeClient.Response r = c.send("GET", "/healthz", null, null, NodeClient.ADMIN_TIMEOUT);
                if (!r.ok()) {
                    throw c.failure(r);
                }
                if (output == Output.json) {
                    printJson(io, r);
                } else {
                    JsonNode n = r.json();
                    String status = n == null ? "unknown" : n.path("status").asText("unknown");
                    int functions = n == null ? 0 : n.path("functions").asInt();
                    io.out().println(c.target().url() + ": " + status + ", " + functions
                            + (functions == 1 ? " function" : " functions"));
                }
            }
            return ExitCodes.OK;
        }
    }
}
