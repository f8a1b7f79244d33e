package dev.ubiq.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ubiq.node.UbiqNode;
import dev.ubiq.runtime.DeployedFunction;
import dev.ubiq.runtime.Manifest;
import dev.ubiq.runtime.UbiqException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * {@code ubiq serve --deploy NAME=MODULE.wasm[:MANIFEST]}: deploys at start-up unless the same
 * module bytes and manifest are already the current version, so restarting a node with the same
 * flags deploys nothing and keeps version numbers steady.
 *
 * <pre>{@code
 * StartupDeploys.Spec s = StartupDeploys.Spec.parse("hello=guests/out/hello.wasm:hello.toml");
 * String what = StartupDeploys.apply(node, s);   // "deployed hello version 1 ..." or "hello is current ..."
 * }</pre>
 */
final class StartupDeploys {
    private static final ObjectMapper JSON = new ObjectMapper();

    private StartupDeploys() {}

    /** One {@code --deploy} value. */
    record Spec(String name, Path module, Path manifest) {
        /**
         * {@code NAME=MODULE.wasm} or {@code NAME=MODULE.wasm:MANIFEST}. The manifest is split off at
         * the last {@code :} that follows a {@code .wasm}, so module paths may hold colons too.
         */
        static Spec parse(String value) {
            int eq = value.indexOf('=');
            if (eq < 1 || eq == value.length() - 1) {
                throw new CliFailure(ExitCodes.USAGE, "--deploy '" + value + "' is not NAME=MODULE.wasm[:MANIFEST]");
            }
            String name = NodeCommands.checkedName(value.substring(0, eq));
            String rest = value.substring(eq + 1);
            int colon = rest.lastIndexOf(':');
            if (colon > 0 && colon < rest.length() - 1 && rest.substring(0, colon).endsWith(".wasm")) {
                return new Spec(name, Path.of(rest.substring(0, colon)), Path.of(rest.substring(colon + 1)));
            }
            return new Spec(name, Path.of(rest), null);
        }
    }

    /**
     * Deploys {@code spec} on {@code node} unless its module (by SHA-256) and manifest equal the
     * current version's.
     *
     * @return one line for the log: what was deployed, or that nothing needed to be
     * @throws CliFailure with the exit code {@code ubiq run} gives the same deploy failure
     */
    static String apply(UbiqNode node, Spec spec) {
        byte[] wasm = ModuleFiles.read(spec.module(), RunCommand.MAX_MODULE_BYTES);
        Manifest manifest;
        try {
            manifest = (spec.manifest() == null ? Manifest.parseJson("{}") : Manifest.parse(spec.manifest()))
                    .withName(spec.name());
        } catch (UbiqException e) {
            throw new CliFailure(ExitCodes.USAGE, "--deploy " + spec.name() + ": " + e.getMessage());
        }
        DeployedFunction current = node.runtime().registry().describe(spec.name());
        if (current != null && current.module().sha256().equalsIgnoreCase(sha256(wasm))
                && sameManifest(node.config().dataDir(), spec.name(), current.version(), manifest)) {
            return spec.name() + " is current (version " + current.version() + ", same module and manifest): not redeployed";
        }
        try {
            DeployedFunction d = node.deploy(spec.name(), wasm, manifest);
            return "deployed " + d.name() + " version " + d.version() + " from " + spec.module()
                    + (spec.manifest() == null ? "" : " with " + spec.manifest());
        } catch (UbiqException e) {
            throw new CliFailure(ExitCodes.forDeployFailure(e), "--deploy " + spec.name() + ": " + e.getMessage());
        }
    }

    /**
     * Whether the stored manifest of the current version is {@code manifest}. The node stores each
     * version's manifest as {@code functions/NAME/vN.manifest.json} in its data directory
     * ({@code FunctionStore}); anything unreadable there counts as different, so the worst case is
     * one deploy too many.
     */
    private static boolean sameManifest(Path dataDir, String name, int version, Manifest manifest) {
        Path stored = dataDir.resolve("functions").resolve(name).resolve("v" + version + ".manifest.json");
        try {
            JsonNode have = JSON.readTree(Files.readString(stored));
            return have != null && have.equals(JSON.readTree(manifest.toJson()));
        } catch (IOException e) {
            return false;
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
