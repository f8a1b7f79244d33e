package dev.ubiq.tools;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Option;

/**
 * Where a client command sends its request and with which token: {@code --node}/{@code --token},
 * else {@code UBIQ_NODE}/{@code UBIQ_TOKEN}, else the config file, else the defaults. A picocli
 * mixin of every node client command.
 *
 * <pre>
 * # $XDG_CONFIG_HOME/ubiq/config.toml, else ~/.config/ubiq/config.toml
 * node = "https://edge-7.example.net:8443"
 * token = "ubq_admin_..."
 * </pre>
 *
 * With no token anywhere and a node on this machine (127.0.0.0/8, {@code localhost}, {@code ::1}),
 * the local node's {@code admin.token} is used: from {@code --data-dir}, else the default data
 * directory ({@code $XDG_DATA_HOME/ubiq}, else {@code ~/.local/share/ubiq}), the same one
 * {@code ubiq serve} uses.
 */
final class ClientOptions {
    static final String DEFAULT_NODE = "http://127.0.0.1:8080";
    static final String NODE_ENV = "UBIQ_NODE";
    static final String TOKEN_ENV = "UBIQ_TOKEN";
    static final Set<String> CONFIG_KEYS = Set.of("node", "token");

    @Option(names = "--node", paramLabel = "URL",
            description = "The node's base URL. Default: $UBIQ_NODE, else 'node' in the config file, else "
                    + DEFAULT_NODE + ".")
    String node;

    @Option(names = "--token", paramLabel = "TOKEN",
            description = "Bearer token (admin, or invoke for 'invoke'). Default: $UBIQ_TOKEN, else 'token' in the "
                    + "config file, else for a node on this machine DIR/admin.token of --data-dir. "
                    + "Visible to other users in the process list: prefer the variable or the config file.")
    String token;

    @Option(names = "--data-dir", paramLabel = "DIR",
            description = "Data directory of a node on this machine, whose admin.token is used when no token is "
                    + "given. Default: $XDG_DATA_HOME/ubiq, else ~/.local/share/ubiq.")
    Path dataDir;

    /**
     * The node and token a command uses, and where they came from (for error messages).
     *
     * @param baseUri the node's URL without a trailing slash
     * @param token the bearer token, or {@code null} when none was found
     * @param tokenSource where {@code token} came from ({@code --token}, {@code UBIQ_TOKEN}, a file)
     * @param tokenSourcesTried every place looked at, in order, with what was there
     */
    record Target(URI baseUri, String nodeSource, String token, String tokenSource, List<String> tokenSourcesTried) {
        String url() {
            return baseUri.toString();
        }
    }

    /** Resolves flag > environment > config file > default, reading the config file only when needed. */
    Target resolve(Map<String, String> env) {
        Path configFile = configFile(env);
        Config config = null;
        String nodeValue;
        String nodeSource;
        if (node != null) {
            nodeValue = node;
            nodeSource = "--node";
        } else if (nonBlank(env.get(NODE_ENV))) {
            nodeValue = env.get(NODE_ENV);
            nodeSource = NODE_ENV;
        } else {
            config = Config.read(configFile);
            if (config.node() != null) {
                nodeValue = config.node();
                nodeSource = configFile.toString();
            } else {
                nodeValue = DEFAULT_NODE;
                nodeSource = "default";
            }
        }
        URI uri = parseNode(nodeValue, nodeSource);

        List<String> tried = new ArrayList<>();
        if (token != null) {
            return new Target(uri, nodeSource, token.strip(), "--token", List.of("--token"));
        }
        tried.add("--token (not given)");
        if (nonBlank(env.get(TOKEN_ENV))) {
            tried.add(TOKEN_ENV);
            return new Target(uri, nodeSource, env.get(TOKEN_ENV).strip(), TOKEN_ENV, List.copyOf(tried));
        }
        tried.add(TOKEN_ENV + " (not set)");
        if (config == null) {
            config = Config.read(configFile);
        }
        if (config.token() != null) {
            tried.add(configFile.toString());
            return new Target(uri, nodeSource, config.token(), configFile.toString(), List.copyOf(tried));
        }
        tried.add(configFile + (config.exists() ? " (no 'token' key)" : " (no such file)"));
        if (!isLocal(uri)) {
            tried.add("a data directory's admin.token (not used: " + uri.getHost() + " is not this machine)");
            return new Target(uri, nodeSource, null, null, List.copyOf(tried));
        }
        Path tokenFile = (dataDir != null ? dataDir : defaultDataDir(env)).resolve("admin.token");
        try {
            String t = Files.readString(tokenFile, StandardCharsets.US_ASCII).strip();
            if (!t.isEmpty()) {
                tried.add(tokenFile.toString());
                return new Target(uri, nodeSource, t, tokenFile.toString(), List.copyOf(tried));
            }
            tried.add(tokenFile + " (empty)");
        } catch (NoSuchFileException e) {
            tried.add(tokenFile + " (no such file)");
        } catch (IOException e) {
            tried.add(tokenFile + " (unreadable: " + e.getMessage() + ")");
        }
        return new Target(uri, nodeSource, null, null, List.copyOf(tried));
    }

    /** {@code $XDG_CONFIG_HOME/ubiq/config.toml}, else {@code ~/.config/ubiq/config.toml}. */
    static Path configFile(Map<String, String> env) {
        String xdg = env.get("XDG_CONFIG_HOME");
        Path base = nonBlank(xdg) ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".config");
        return base.resolve("ubiq").resolve("config.toml");
    }

    /**
     * The node's default data directory as {@link dev.ubiq.node.NodeConfig#defaultDataDir()} computes
     * it, from the given environment instead of the process's.
     */
    static Path defaultDataDir(Map<String, String> env) {
        String xdg = env.get("XDG_DATA_HOME");
        Path base = nonBlank(xdg) ? Path.of(xdg) : Path.of(System.getProperty("user.home"), ".local", "share");
        return base.resolve("ubiq");
    }

    /** Loopback: the node is on this machine, so its data directory may be too. */
    static boolean isLocal(URI uri) {
        String host = uri.getHost();
        if (host == null) {
            return false;
        }
        host = host.toLowerCase(Locale.ROOT);
        return host.equals("localhost") || host.startsWith("127.") || host.equals("[::1]") || host.equals("::1");
    }

    private static URI parseNode(String value, String source) {
        String v = value.strip();
        while (v.endsWith("/")) {
            v = v.substring(0, v.length() - 1);
        }
        String hint = " (from " + source + "): give a URL such as " + DEFAULT_NODE;
        if (!v.contains("://")) {
            throw new CliFailure(ExitCodes.USAGE, "node address '" + value + "' is not an http:// or https:// URL" + hint);
        }
        try {
            URI uri = new URI(v);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https")) {
                throw new CliFailure(ExitCodes.USAGE, "node address '" + value + "' is not an http:// or https:// URL" + hint);
            }
            if (uri.getHost() == null) {
                throw new CliFailure(ExitCodes.USAGE, "node address '" + value + "' names no host" + hint);
            }
            if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
                throw new CliFailure(ExitCodes.USAGE, "node address '" + value + "' has a query or fragment" + hint);
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new CliFailure(ExitCodes.USAGE, "node address '" + value + "' is not a URL: " + e.getReason() + hint);
        }
    }

    private static boolean nonBlank(String s) {
        return s != null && !s.isBlank();
    }

    /** The config file's two keys; both {@code null} when the file does not exist. */
    record Config(boolean exists, String node, String token) {
        /** Loaded on first use only: commands given --node and --token never pay Jackson's TOML start-up. */
        private static final class Toml {
            static final TomlMapper MAPPER = new TomlMapper();
        }

        static Config read(Path file) {
            String text;
            try {
                text = Files.readString(file, StandardCharsets.UTF_8);
            } catch (NoSuchFileException e) {
                return new Config(false, null, null);
            } catch (IOException e) {
                throw new CliFailure(ExitCodes.USAGE, "cannot read config file " + file + ": " + e.getMessage());
            }
            JsonNode root;
            try {
                root = Toml.MAPPER.readTree(text);
            } catch (JacksonException e) {
                throw new CliFailure(ExitCodes.USAGE, "config file " + file + " is not valid TOML: " + e.getOriginalMessage());
            }
            if (root == null || !root.isObject()) {
                return new Config(true, null, null);
            }
            for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!CONFIG_KEYS.contains(key)) {
                    throw new CliFailure(ExitCodes.USAGE, "config file " + file + ": unknown key '" + key
                            + "' (known: node, token)");
                }
                if (!root.get(key).isTextual()) {
                    throw new CliFailure(ExitCodes.USAGE, "config file " + file + ": '" + key + "' must be a string");
                }
            }
            return new Config(true, text(root, "node"), text(root, "token"));
        }

        private static String text(JsonNode root, String key) {
            JsonNode n = root.get(key);
            return n == null || n.asText().isBlank() ? null : n.asText().strip();
        }
    }
}
