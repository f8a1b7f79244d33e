package dev.ubiq.runtime;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import dev.ubiq.abi.Capability;
import dev.ubiq.abi.FunctionShape;
import dev.ubiq.runtime.UbiqException.InvalidManifestException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What a function asks of the runtime. Every field but {@code name} is optional: unset fields take
 * the node's {@link Limits} defaults at deploy, and values above the node's caps are refused there.
 * Unknown fields are errors, so a typo never silently falls back to a default.
 *
 * <pre>{@code
 * name = "thumbnail"
 * shape = "reactor"            # or "wasi-command"; inferred from the exports when absent
 * max_memory_mb = 64
 * timeout_ms = 2000
 * max_concurrency = 8
 * min_warm = 1                 # reactors: instances kept ready
 * idle_ttl_ms = 60000          # reactors: idle instances above min_warm expire after this
 * reuse_instances = true       # reactors: false gives every call a fresh instance
 * args = ["--fast"]            # WASI commands: argv after the program name
 * capabilities = ["kv:thumbs"] # deny by default
 * route = "/thumb"            # node: also served as ANY /thumb and /thumb/...
 * init = "setup"               # export run once at deploy before the snapshot (besides _initialize,
 *                              # ubiq_init, wizer.initialize)
 * snapshot = true              # false: no pre-initialised snapshot; every instance runs its init
 * [env]
 * MODE = "prod"
 * [dirs]                       # guest path = host path, preopened
 * "/data" = "/srv/thumbs"
 * [config]                     # strings the function reads with ubiq:v1.config_get
 * quality = "80"
 * }</pre>
 *
 * The same keys work in JSON. Build in code with {@link #builder(String)}.
 */
public final class Manifest {
    /** Every key a manifest may hold. */
    public static final Set<String> KNOWN_FIELDS = Set.of("name", "shape", "max_memory_mb",
            "timeout_ms", "max_concurrency", "min_warm", "idle_ttl_ms", "reuse_instances", "args",
            "env", "dirs", "capabilities", "route", "config", "init", "snapshot");

    /** Loaded on first parse only: manifests built in code never pay Jackson's start-up. */
    private static final class Mappers {
        static final ObjectMapper JSON = new ObjectMapper();
        static final TomlMapper TOML = new TomlMapper();
    }

    private final String name;
    private final FunctionShape shape;
    private final Long maxMemoryBytes;
    private final Long timeoutMs;
    private final Integer maxConcurrency;
    private final Integer minWarm;
    private final Long idleTtlMs;
    private final Boolean reuseInstances;
    private final String init;
    private final Boolean snapshot;
    private final List<String> args;
    private final Map<String, String> env;
    private final Map<String, String> dirs;
    private final Map<String, String> config;
    private final List<Capability> capabilities;
    private final String route;

    private Manifest(Builder b) {
        this.name = b.name;
        this.shape = b.shape;
        this.maxMemoryBytes = b.maxMemoryBytes;
        this.timeoutMs = b.timeoutMs;
        this.maxConcurrency = b.maxConcurrency;
        this.minWarm = b.minWarm;
        this.idleTtlMs = b.idleTtlMs;
        this.reuseInstances = b.reuseInstances;
        this.init = b.init;
        this.snapshot = b.snapshot;
        this.args = List.copyOf(b.args);
        this.env = Map.copyOf(b.env);
        this.dirs = Map.copyOf(b.dirs);
        this.config = Map.copyOf(b.config);
        this.capabilities = List.copyOf(b.capabilities);
        this.route = b.route;
    }

    /** Function names: 1-64 characters of {@code [A-Za-z0-9_-]}, starting with a letter or digit. */
    public static boolean isValidName(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    // compiled once: the node checks a name on every request
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");

    public static Builder builder(String name) {
        return new Builder(name);
    }

    /** Reads a {@code .toml} or {@code .json} file (by extension; other names are tried as TOML). */
    public static Manifest parse(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new InvalidManifestException("cannot read manifest " + file + ": " + e.getMessage(), e);
        }
        return file.getFileName().toString().endsWith(".json") ? parseJson(text) : parseToml(text);
    }

    public static Manifest parseToml(String text) {
        try {
            return fromTree(Mappers.TOML.readTree(text));
        } catch (JacksonException e) {
            throw new InvalidManifestException("manifest is not valid TOML: " + e.getOriginalMessage(), e);
        }
    }

    public static Manifest parseJson(String text) {
        try {
            return fromTree(Mappers.JSON.readTree(text));
        } catch (JacksonException e) {
            throw new InvalidManifestException("manifest is not valid JSON: " + e.getOriginalMessage(), e);
        }
    }

    private static Manifest fromTree(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new InvalidManifestException("manifest must be a table/object of fields");
        }
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!KNOWN_FIELDS.contains(f)) {
                throw new InvalidManifestException("unknown manifest field '" + f + "' (known: "
                        + String.join(", ", KNOWN_FIELDS.stream().sorted().toList()) + ")");
            }
        }
        Builder b = new Builder(root.has("name") ? text(root, "name") : null);
        if (root.has("shape")) {
            try {
                b.withShape(FunctionShape.parse(text(root, "shape")));
            } catch (IllegalArgumentException e) {
                throw new InvalidManifestException("field 'shape': " + e.getMessage());
            }
        }
        if (root.has("max_memory_mb")) {
            b.withMaxMemoryBytes(integer(root, "max_memory_mb", 1, 4096) << 20);
        }
        if (root.has("timeout_ms")) {
            b.withTimeoutMs(integer(root, "timeout_ms", 1, Long.MAX_VALUE));
        }
        if (root.has("max_concurrency")) {
            b.withMaxConcurrency((int) integer(root, "max_concurrency", 1, Integer.MAX_VALUE));
        }
        if (root.has("min_warm")) {
            b.withMinWarm((int) integer(root, "min_warm", 0, Integer.MAX_VALUE));
        }
        if (root.has("idle_ttl_ms")) {
            b.withIdleTtlMs(integer(root, "idle_ttl_ms", 1, Long.MAX_VALUE));
        }
        if (root.has("reuse_instances")) {
            JsonNode n = root.get("reuse_instances");
            if (!n.isBoolean()) {
                throw new InvalidManifestException("field 'reuse_instances': expected true or false, got " + n);
            }
            b.withReuseInstances(n.booleanValue());
        }
        if (root.has("init")) {
            b.withInit(text(root, "init"));
        }
        if (root.has("snapshot")) {
            JsonNode n = root.get("snapshot");
            if (!n.isBoolean()) {
                throw new InvalidManifestException("field 'snapshot': expected true or false, got " + n);
            }
            b.withSnapshot(n.booleanValue());
        }
        if (root.has("args")) {
            b.withArgs(stringList(root, "args"));
        }
        if (root.has("env")) {
            stringTable(root, "env").forEach(b::withEnv);
        }
        if (root.has("dirs")) {
            stringTable(root, "dirs").forEach(b::withDir);
        }
        if (root.has("config")) {
            stringTable(root, "config").forEach(b::withConfig);
        }
        if (root.has("route")) {
            b.withRoute(text(root, "route"));
        }
        if (root.has("capabilities")) {
            for (String c : stringList(root, "capabilities")) {
                b.withCapability(c);
            }
        }
        return b.buildUnnamed();
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (!n.isTextual()) {
            throw new InvalidManifestException("field '" + field + "': expected a string, got " + n);
        }
        return n.textValue();
    }

    private static long integer(JsonNode root, String field, long min, long max) {
        JsonNode n = root.get(field);
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw new InvalidManifestException("field '" + field + "': expected an integer, got " + n);
        }
        long v = n.longValue();
        if (v < min || v > max) {
            throw new InvalidManifestException("field '" + field + "': " + v + " is out of range ["
                    + min + ", " + (max == Long.MAX_VALUE || max == Integer.MAX_VALUE ? "..." : max) + "]");
        }
        return v;
    }

    private static List<String> stringList(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (!n.isArray()) {
            throw new InvalidManifestException("field '" + field + "': expected a list of strings, got " + n);
        }
        List<String> out = new ArrayList<>();
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw new InvalidManifestException("field '" + field + "': expected strings, got " + e);
            }
            out.add(e.textValue());
        }
        return out;
    }

    private static Map<String, String> stringTable(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (!n.isObject()) {
            throw new InvalidManifestException("field '" + field + "': expected a table of strings, got " + n);
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            var e = it.next();
            if (!e.getValue().isTextual()) {
                throw new InvalidManifestException("field '" + field + "." + e.getKey()
                        + "': expected a string, got " + e.getValue());
            }
            out.put(e.getKey(), e.getValue().textValue());
        }
        return out;
    }

    /** The function's name, or {@code null} when the manifest leaves it to the deploy call. */
    public String name() {
        return name;
    }

    /** The declared shape, or {@code null} to infer it from the exports. */
    public FunctionShape shape() {
        return shape;
    }

    /** Linear memory limit in bytes, or {@code null} for the node default. */
    public Long maxMemoryBytes() {
        return maxMemoryBytes;
    }

    /** Deadline per invocation, or {@code null} for the node default. */
    public Long timeoutMs() {
        return timeoutMs;
    }

    /** Concurrent invocations allowed, or {@code null} for the node default. */
    public Integer maxConcurrency() {
        return maxConcurrency;
    }

    /** Reactor instances kept warm, or {@code null} for the default (1). */
    public Integer minWarm() {
        return minWarm;
    }

    /** Idle expiry of warm reactor instances, or {@code null} for the default (60 s). */
    public Long idleTtlMs() {
        return idleTtlMs;
    }

    /** Whether reactor instances are reused, or {@code null} for the default (true). */
    public Boolean reuseInstances() {
        return reuseInstances;
    }

    /** The init export run once before the snapshot, or {@code null} for the conventions only. */
    public String init() {
        return init;
    }

    /** Whether instances fork from a pre-initialised snapshot, or {@code null} for the default (true). */
    public Boolean snapshot() {
        return snapshot;
    }

    public List<String> args() {
        return args;
    }

    public Map<String, String> env() {
        return env;
    }

    /** Preopened directories: guest path to host path. */
    public Map<String, String> dirs() {
        return dirs;
    }

    public List<Capability> capabilities() {
        return capabilities;
    }

    /** String settings for the function ({@code ubiq:v1.config_get}). */
    public Map<String, String> config() {
        return config;
    }

    /** The HTTP route a node serves this function under ({@code /path}), or {@code null}. */
    public String route() {
        return route;
    }

    /** This manifest as JSON with the manifest's own keys; unset fields are left out. */
    public String toJson() {
        var root = Mappers.JSON.createObjectNode();
        if (name != null) {
            root.put("name", name);
        }
        if (shape != null) {
            root.put("shape", shape.manifestName());
        }
        if (maxMemoryBytes != null) {
            root.put("max_memory_mb", maxMemoryBytes >> 20);
        }
        if (timeoutMs != null) {
            root.put("timeout_ms", timeoutMs);
        }
        if (maxConcurrency != null) {
            root.put("max_concurrency", maxConcurrency);
        }
        if (minWarm != null) {
            root.put("min_warm", minWarm);
        }
        if (idleTtlMs != null) {
            root.put("idle_ttl_ms", idleTtlMs);
        }
        if (reuseInstances != null) {
            root.put("reuse_instances", reuseInstances);
        }
        if (route != null) {
            root.put("route", route);
        }
        if (init != null) {
            root.put("init", init);
        }
        if (snapshot != null) {
            root.put("snapshot", snapshot);
        }
        if (!args.isEmpty()) {
            var a = root.putArray("args");
            args.forEach(a::add);
        }
        if (!env.isEmpty()) {
            var e = root.putObject("env");
            new java.util.TreeMap<>(env).forEach(e::put);
        }
        if (!dirs.isEmpty()) {
            var d = root.putObject("dirs");
            new java.util.TreeMap<>(dirs).forEach(d::put);
        }
        if (!capabilities.isEmpty()) {
            var c = root.putArray("capabilities");
            capabilities.forEach(x -> c.add(x.toString()));
        }
        if (!config.isEmpty()) {
            var c = root.putObject("config");
            new java.util.TreeMap<>(config).forEach(c::put);
        }
        return root.toString();
    }

    /** This manifest with {@code name} set; an existing different name is an error. */
    public Manifest withName(String newName) {
        if (name != null && !name.equals(newName)) {
            throw new InvalidManifestException(
                    "manifest names function '" + name + "' but it is deployed as '" + newName + "'");
        }
        Builder b = toBuilder();
        b.name = newName;
        return b.build();
    }

    private Builder toBuilder() {
        Builder b = new Builder(name);
        b.shape = shape;
        b.maxMemoryBytes = maxMemoryBytes;
        b.timeoutMs = timeoutMs;
        b.maxConcurrency = maxConcurrency;
        b.minWarm = minWarm;
        b.idleTtlMs = idleTtlMs;
        b.reuseInstances = reuseInstances;
        b.init = init;
        b.snapshot = snapshot;
        b.args.addAll(args);
        b.env.putAll(env);
        b.dirs.putAll(dirs);
        b.config.putAll(config);
        b.capabilities.addAll(capabilities);
        b.route = route;
        return b;
    }

    /** Builds manifests in code; {@link #build()} validates. */
    public static final class Builder {
        private String name;
        private FunctionShape shape;
        private Long maxMemoryBytes;
        private Long timeoutMs;
        private Integer maxConcurrency;
        private Integer minWarm;
        private Long idleTtlMs;
        private Boolean reuseInstances;
        private String init;
        private Boolean snapshot;
        private final List<String> args = new ArrayList<>();
        private final Map<String, String> env = new LinkedHashMap<>();
        private final Map<String, String> dirs = new LinkedHashMap<>();
        private final Map<String, String> config = new LinkedHashMap<>();
        private final List<Capability> capabilities = new ArrayList<>();
        private String route;

        private Builder(String name) {
            this.name = name;
        }

        public Builder withShape(FunctionShape v) {
            shape = v;
            return this;
        }

        public Builder withMaxMemoryBytes(long v) {
            if (v <= 0) {
                throw new InvalidManifestException("max memory must be positive, got " + v);
            }
            maxMemoryBytes = v;
            return this;
        }

        public Builder withTimeoutMs(long v) {
            if (v <= 0) {
                throw new InvalidManifestException("timeout must be positive, got " + v);
            }
            timeoutMs = v;
            return this;
        }

        public Builder withMaxConcurrency(int v) {
            if (v <= 0) {
                throw new InvalidManifestException("max concurrency must be positive, got " + v);
            }
            maxConcurrency = v;
            return this;
        }

        public Builder withMinWarm(int v) {
            if (v < 0) {
                throw new InvalidManifestException("min_warm must not be negative, got " + v);
            }
            minWarm = v;
            return this;
        }

        public Builder withIdleTtlMs(long v) {
            if (v <= 0) {
                throw new InvalidManifestException("idle_ttl_ms must be positive, got " + v);
            }
            idleTtlMs = v;
            return this;
        }

        public Builder withReuseInstances(boolean v) {
            reuseInstances = v;
            return this;
        }

        /** An export run once at deploy, before the snapshot; it must take and return nothing. */
        public Builder withInit(String export) {
            if (export == null || export.isEmpty()) {
                throw new InvalidManifestException("init: expected the name of an exported function, got '" + export + "'");
            }
            init = export;
            return this;
        }

        /** {@code false}: no snapshot; every new instance runs the init exports itself. */
        public Builder withSnapshot(boolean v) {
            snapshot = v;
            return this;
        }

        public Builder withArgs(List<String> v) {
            args.clear();
            args.addAll(v);
            return this;
        }

        public Builder withEnv(String key, String value) {
            if (key.isEmpty() || key.indexOf('=') >= 0 || key.indexOf('\0') >= 0 || value.indexOf('\0') >= 0) {
                throw new InvalidManifestException("env: invalid variable '" + key + "'");
            }
            env.put(key, value);
            return this;
        }

        /** A string setting the function reads with {@code ubiq:v1.config_get}; keys are 1-256 bytes. */
        public Builder withConfig(String key, String value) {
            if (key.isEmpty() || key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 256) {
                throw new InvalidManifestException("config: key '" + key + "' must be 1-256 bytes");
            }
            config.put(key, value);
            return this;
        }

        /** Preopens host directory {@code hostPath} at {@code guestPath} (absolute guest path). */
        public Builder withDir(String guestPath, String hostPath) {
            if (!guestPath.startsWith("/") && !guestPath.equals(".")) {
                throw new InvalidManifestException(
                        "dirs: guest path '" + guestPath + "' must be absolute (start with /) or '.'");
            }
            if (hostPath.isEmpty()) {
                throw new InvalidManifestException("dirs: empty host path for '" + guestPath + "'");
            }
            dirs.put(guestPath, hostPath);
            return this;
        }

        /**
         * Serves the function under an HTTP path on a node: {@code ANY route} and {@code route/...}.
         * Must start with {@code /}; {@code /v1/...} and {@code /healthz}, {@code /metrics} are the
         * node's own.
         */
        public Builder withRoute(String v) {
            if (!v.matches("/[A-Za-z0-9._~!$&'()*+,;=:@%/-]*") || v.contains("//")) {
                throw new InvalidManifestException("route '" + v + "' must be a URL path starting with /");
            }
            if (v.equals("/") || v.equals("/v1") || v.startsWith("/v1/") || v.equals("/healthz") || v.equals("/metrics")) {
                throw new InvalidManifestException("route '" + v + "' is reserved by the node");
            }
            route = v.length() > 1 && v.endsWith("/") ? v.substring(0, v.length() - 1) : v;
            return this;
        }

        public Builder withCapability(String spelled) {
            try {
                capabilities.add(Capability.parse(spelled));
            } catch (IllegalArgumentException e) {
                throw new InvalidManifestException("capabilities: " + e.getMessage());
            }
            return this;
        }

        /** Validates the name and returns the immutable manifest. */
        public Manifest build() {
            if (!isValidName(name)) {
                throw new InvalidManifestException("invalid function name '" + name
                        + "' (1-64 of [A-Za-z0-9_-], starting with a letter or digit)");
            }
            return new Manifest(this);
        }

        private Manifest buildUnnamed() {
            if (name != null && !isValidName(name)) {
                return build();
            }
            return new Manifest(this);
        }
    }
}
