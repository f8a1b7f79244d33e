package dev.ubiq.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.ubiq.node.NodeConfig;
import dev.ubiq.node.UbiqNode;
import dev.ubiq.runtime.Limits;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The node client commands ({@code deploy}, {@code invoke}, {@code ls}, {@code rm}, {@code logs},
 * {@code status}) against an in-process node on a free port of 127.0.0.1, through
 * {@link UbiqCli#execute} with an environment of the test's own: no real {@code UBIQ_*} variable,
 * config file or data directory is read.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class NodeCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path tmp;

    static UbiqNode node;
    static String url;
    static String admin;
    /** No token, no config file, no data directory: every test adds what it needs. */
    static Map<String, String> bareEnv;

    @BeforeAll
    static void startNode() throws IOException {
        // XDG_DATA_HOME/ubiq is the node's data dir, for the test of the default token file
        node = UbiqNode.builder().withPort(0).withDataDir(tmp.resolve("xdg-data/ubiq")).withLog(line -> {}).start();
        url = "http://127.0.0.1:" + node.port();
        admin = node.adminToken();
        Files.createDirectories(tmp.resolve("empty"));
        bareEnv = Map.of("XDG_CONFIG_HOME", tmp.resolve("empty/config").toString(),
                "XDG_DATA_HOME", tmp.resolve("empty/data").toString());
    }

    @AfterAll
    static void stopNode() {
        if (node != null) {
            node.close();
        }
    }

    static UbiqCliTest.Run cli(String stdin, Map<String, String> env, String... args) {
        var out = new ByteArrayOutputStream();
        var err = new ByteArrayOutputStream();
        int code = UbiqCli.execute(args, new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8), env);
        return new UbiqCliTest.Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A command with {@code --node} and the admin token as flags. */
    static UbiqCliTest.Run asAdmin(String... args) {
        String[] all = Stream.concat(Stream.of(args), Stream.of("--node", url, "--token", admin)).toArray(String[]::new);
        return cli("", bareEnv, all);
    }

    static Map<String, String> env(String... kv) {
        Map<String, String> m = new HashMap<>(bareEnv);
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    static void assertError(UbiqCliTest.Run r, int code, String expectedInLastLine) {
        assertEquals(code, r.code(), r.err());
        assertTrue(r.errorLine().startsWith("ubiq: error: ") && r.errorLine().contains(expectedInLastLine), r.err());
    }

    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void deployListInvokeLogsAndRemoveRoundTrip() {
        UbiqCliTest.Run d = asAdmin("deploy", "rt-hello", UbiqCliTest.guest("hello"));
        assertEquals(0, d.code(), d.err());
        assertTrue(d.out().startsWith("deployed rt-hello version 1: wasi-command, "), d.out());

        UbiqCliTest.Run ls = asAdmin("ls");
        assertEquals(0, ls.code(), ls.err());
        assertTrue(ls.out().startsWith("NAME "), ls.out());
        assertTrue(ls.out().lines().anyMatch(l -> l.startsWith("rt-hello ") && l.contains(" wasi-command ")), ls.out());

        UbiqCliTest.Run inv = asAdmin("invoke", "rt-hello", "--data", "edge box");
        assertEquals(0, inv.code(), inv.err());
        assertEquals("hello from wasm\necho: edge box", inv.out());
        assertEquals("", inv.err());

        // exit_code writes "bye" to stderr and exits 3: the log ring has both
        assertEquals(0, asAdmin("deploy", "rt-exit", UbiqCliTest.guest("exit_code")).code());
        UbiqCliTest.Run failed = asAdmin("invoke", "rt-exit");
        assertEquals(3, failed.code(), "guest_error passes the guest's exit code through");
        assertEquals("bye", failed.errLines().getFirst(), "the guest's log comes first");
        assertEquals("ubiq: error: guest_error: function 'rt-exit' exited with code 3", failed.errorLine());
        UbiqCliTest.Run logs = asAdmin("logs", "rt-exit", "--lines", "5");
        assertEquals(0, logs.code(), logs.err());
        assertTrue(logs.out().contains("bye") && logs.out().contains("exited with code 3"), logs.out());
        assertEquals(1, asAdmin("logs", "rt-exit", "-n", "1").out().lines().count());

        UbiqCliTest.Run rm = asAdmin("rm", "rt-hello");
        assertEquals(0, rm.code(), rm.err());
        assertEquals("removed rt-hello\n", rm.out());
        assertFalse(asAdmin("ls").out().contains("rt-hello"));
        assertError(asAdmin("invoke", "rt-hello"), 1, "not_found: no function named 'rt-hello' is deployed");
        assertError(asAdmin("rm", "rt-hello"), 1, "not_found: ");
    }

    @Test
    void outputJsonIsTheNodesAnswer() throws IOException {
        UbiqCliTest.Run d = asAdmin("deploy", "js-hello", UbiqCliTest.guest("hello"), "--output", "json");
        assertEquals(0, d.code(), d.err());
        JsonNode deployed = JSON.readTree(d.out());
        assertEquals("js-hello", deployed.get("name").asText());
        assertEquals(64, deployed.get("sha256").asText().length());

        JsonNode list = JSON.readTree(asAdmin("ls", "-o", "json").out());
        assertTrue(list.get("functions").isArray());
        assertTrue(list.get("functions").findValuesAsText("name").contains("js-hello"));

        UbiqCliTest.Run st = asAdmin("status", "--output", "json");
        assertEquals(0, st.code(), st.err());
        assertEquals("ok", JSON.readTree(st.out()).get("status").asText());
        UbiqCliTest.Run table = asAdmin("status");
        assertTrue(table.out().startsWith(url + ": ok, "), table.out());
    }

    @Test
    void deployUploadsTheManifestAndItsRouteAnswers() throws Exception {
        Path toml = tmp.resolve("greet.toml");
        Files.writeString(toml, "route = \"/greet\"\ntimeout_ms = 5000\n");
        UbiqCliTest.Run d = asAdmin("deploy", "mf-hello", UbiqCliTest.guest("hello"), "--manifest", toml.toString());
        assertEquals(0, d.code(), d.err());
        assertTrue(d.out().contains(", route /greet"), d.out());
        assertTrue(asAdmin("ls").out().lines().anyMatch(l -> l.startsWith("mf-hello ") && l.contains(" /greet ")));

        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url + "/greet"))
                    .header("Authorization", "Bearer " + node.invokeToken())
                    .POST(HttpRequest.BodyPublishers.ofString("via route")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertTrue(r.body().contains("hello from wasm"), r.body());
        }

        Path json = tmp.resolve("slow.json");
        Files.writeString(json, "{\"timeout_ms\": 200}");
        assertEquals(0, asAdmin("deploy", "mf-spin", UbiqCliTest.guest("spin"), "--manifest", json.toString()).code());
        assertError(asAdmin("invoke", "mf-spin"), ExitCodes.TIMEOUT, "timeout: function 'mf-spin' exceeded its deadline of 200 ms");
    }

    @Test
    void invokeMapsTrapTimeoutAndMemoryLimitToTheExitCodesOfRun() throws IOException {
        assertEquals(0, asAdmin("deploy", "ex-trap", UbiqCliTest.guest("trap")).code());
        assertError(asAdmin("invoke", "ex-trap"), ExitCodes.TRAP, "trap: function 'ex-trap' trapped");

        Path slow = tmp.resolve("spin.toml");
        Files.writeString(slow, "timeout_ms = 200\n");
        assertEquals(0, asAdmin("deploy", "ex-spin", UbiqCliTest.guest("spin"), "--manifest", slow.toString()).code());
        assertError(asAdmin("invoke", "ex-spin"), ExitCodes.TIMEOUT, "timeout: ");

        Path hog = tmp.resolve("hog.toml");
        Files.writeString(hog, "max_memory_mb = 16\nargs = [\"64\"]\n");
        assertEquals(0, asAdmin("deploy", "ex-hog", UbiqCliTest.guest("memhog"), "--manifest", hog.toString()).code());
        assertError(asAdmin("invoke", "ex-hog"), ExitCodes.MEMORY_LIMIT, "memory_limit: ");
    }

    @Test
    void invokeReadsTheBodyFromAFileOrStdin() throws IOException {
        assertEquals(0, asAdmin("deploy", "in-hello", UbiqCliTest.guest("hello")).code());
        Path body = tmp.resolve("body.txt");
        Files.writeString(body, "from a file");
        assertEquals("hello from wasm\necho: from a file", asAdmin("invoke", "in-hello", "--data", "@" + body).out());
        UbiqCliTest.Run piped = cli("from stdin", bareEnv, "invoke", "in-hello", "-d", "-", "--node", url, "--token", admin);
        assertEquals("hello from wasm\necho: from stdin", piped.out(), piped.err());
        assertError(asAdmin("invoke", "in-hello", "--data", "@" + tmp.resolve("missing.txt")), ExitCodes.USAGE,
                "does not exist");
    }

    @Test
    void deployRejectsBadModulesAndManifestsWithTheExitCodesOfRun() throws IOException {
        assertError(asAdmin("deploy", "bad", UbiqCliTest.ROOT.resolve("README.md").toString()), ExitCodes.BAD_MODULE,
                "malformed_module: ");
        assertError(asAdmin("deploy", "bad", tmp.resolve("nope.wasm").toString()), ExitCodes.USAGE, "does not exist");
        Path typo = tmp.resolve("typo.toml");
        Files.writeString(typo, "timeout = 5\n");
        assertError(asAdmin("deploy", "bad", UbiqCliTest.guest("hello"), "--manifest", typo.toString()), ExitCodes.USAGE,
                "timeout");
        assertError(asAdmin("deploy", "no/slash", UbiqCliTest.guest("hello")), ExitCodes.USAGE, "invalid function name");
    }

    @Test
    void tooLargeUploadsAreNamedEvenWhenTheNodeSendsABare413(@TempDir Path data) throws IOException {
        Limits small = Limits.builder().withMaxModuleBytes(64 << 10).withMaxPayloadBytes(64 << 10).build();
        try (UbiqNode n = UbiqNode.builder().withPort(0).withDataDir(data.resolve("node")).withLimits(small)
                .withLog(l -> {}).start()) {
            String[] client = {"--node", "http://127.0.0.1:" + n.port(), "--token", n.adminToken()};
            Path justOver = data.resolve("over.wasm");
            Files.write(justOver, new byte[100 << 10]);
            // the API's own JSON answer, and above the HTTP layer's cap (module limit + 1 MiB) its bare 413
            Path farOver = data.resolve("far-over.wasm");
            Files.write(farOver, new byte[2 << 20]);
            for (Path module : List.of(justOver, farOver)) {
                UbiqCliTest.Run r = cli("", bareEnv, concat(new String[] {"deploy", "big", module.toString()}, client));
                assertError(r, ExitCodes.BAD_MODULE, "module_too_large: ");
            }
            assertEquals(0, cli("", bareEnv, concat(new String[] {"deploy", "hello", UbiqCliTest.guest("hello")}, client)).code());
            UbiqCliTest.Run big = cli("", bareEnv, concat(new String[] {"invoke", "hello", "--data", "@" + farOver}, client));
            assertError(big, 1, "payload_too_large: ");
        }
    }

    private static String[] concat(String[] a, String[] b) {
        return Stream.concat(Stream.of(a), Stream.of(b)).toArray(String[]::new);
    }

    @Test
    void unreachableNodeSaysHowToStartOne() throws IOException {
        String closed = "http://127.0.0.1:" + closedPort();
        UbiqCliTest.Run r = cli("", bareEnv, "ls", "--node", closed, "--token", "whatever");
        assertEquals(1, r.code());
        assertEquals("ubiq: error: cannot reach the node at " + closed
                + " (connection refused); start one with 'ubiq serve' or set --node/UBIQ_NODE", r.err().strip());
        assertEquals(1, cli("", env("UBIQ_NODE", closed), "status").code());
    }

    @Test
    void wrongOrMissingTokenSaysWhichSourcesWereTried() {
        UbiqCliTest.Run wrong = cli("", bareEnv, "ls", "--node", url, "--token", "ubq_admin_not-the-right-one");
        assertError(wrong, 1, "rejected the token from --token (401 unauthorized");

        UbiqCliTest.Run none = cli("", bareEnv, "ls", "--node", url);
        assertError(none, 1, "needs a token and none was found (tried --token (not given), UBIQ_TOKEN (not set), "
                + tmp.resolve("empty/config/ubiq/config.toml") + " (no such file), "
                + tmp.resolve("empty/data/ubiq/admin.token") + " (no such file))");

        UbiqCliTest.Run invokeOnly = cli("", bareEnv, "ls", "--node", url, "--token", node.invokeToken());
        assertError(invokeOnly, 1, "this needs an admin token");
        // an invoke token may invoke
        asAdmin("deploy", "tok-hello", UbiqCliTest.guest("hello"));
        assertEquals(0, cli("", bareEnv, "invoke", "tok-hello", "--node", url, "--token", node.invokeToken()).code());
    }

    @Test
    void flagBeatsEnvironmentBeatsConfigFile(@TempDir Path home) throws IOException {
        Path config = home.resolve("ubiq/config.toml");
        Files.createDirectories(config.getParent());
        Files.writeString(config, "node = \"" + url + "\"\ntoken = \"ubq_admin_from-the-config-file\"\n");
        Map<String, String> withConfig = env("XDG_CONFIG_HOME", home.toString());

        // the node comes from the config file here; only the token varies
        assertError(cli("", withConfig, "ls"), 1, "rejected the token from " + config);
        Map<String, String> envWrong = new HashMap<>(withConfig);
        envWrong.put("UBIQ_TOKEN", "ubq_admin_from-the-environment");
        assertError(cli("", envWrong, "ls"), 1, "rejected the token from UBIQ_TOKEN");
        assertEquals(0, cli("", envWrong, "ls", "--token", admin).code(), "the flag beats the environment");
        Map<String, String> envRight = new HashMap<>(withConfig);
        envRight.put("UBIQ_TOKEN", admin);
        assertEquals(0, cli("", envRight, "ls").code(), "the environment beats the config file");

        Files.writeString(config, "node = \"http://127.0.0.1:" + closedPort() + "\"\ntoken = \"" + admin + "\"\n");
        assertEquals(0, cli("", withConfig, "ls", "--node", url).code(), "the config file's token, the flag's node");
        Map<String, String> nodeEnv = new HashMap<>(withConfig);
        nodeEnv.put("UBIQ_NODE", url);
        assertEquals(0, cli("", nodeEnv, "ls").code(), "UBIQ_NODE beats the config file's node");
        assertError(cli("", withConfig, "ls"), 1, "cannot reach the node");
    }

    @Test
    void aLocalNodesAdminTokenIsTheDefault() {
        // bareEnv's XDG_DATA_HOME holds no token, so the flag's data dir is what answers
        assertEquals(0, cli("", bareEnv, "ls", "--node", url, "--data-dir", tmp.resolve("xdg-data/ubiq").toString()).code());
        Map<String, String> xdg = env("XDG_DATA_HOME", tmp.resolve("xdg-data").toString());
        assertEquals(0, cli("", xdg, "ls", "--node", url).code());
        assertEquals(0, cli("", env("XDG_DATA_HOME", tmp.resolve("xdg-data").toString(), "UBIQ_NODE",
                url.replace("127.0.0.1", "localhost")), "ls").code());
    }

    @Test
    void aRemoteNodeNeverGetsTheLocalAdminToken() {
        ClientOptions o = new ClientOptions();
        o.node = "https://edge-7.example.net:8443/";
        o.dataDir = tmp.resolve("xdg-data/ubiq");
        ClientOptions.Target t = o.resolve(bareEnv);
        assertEquals("https://edge-7.example.net:8443", t.url());
        assertNull(t.token());
        assertTrue(t.tokenSourcesTried().getLast().contains("not this machine"), t.tokenSourcesTried().toString());
    }

    @Test
    void defaultDataDirIsTheNodesDefault() {
        assertEquals(NodeConfig.defaultDataDir(), ClientOptions.defaultDataDir(System.getenv()));
    }

    @Test
    void badConfigFileOrNodeUrlIsAUsageError(@TempDir Path home) throws IOException {
        Path config = home.resolve("ubiq/config.toml");
        Files.createDirectories(config.getParent());
        Map<String, String> e = env("XDG_CONFIG_HOME", home.toString());
        Files.writeString(config, "nod = \"http://127.0.0.1:1\"\n");
        assertError(cli("", e, "ls"), ExitCodes.USAGE, "unknown key 'nod' (known: node, token)");
        Files.writeString(config, "node = [\n");
        assertError(cli("", e, "ls"), ExitCodes.USAGE, "is not valid TOML");
        assertError(cli("", bareEnv, "ls", "--node", "127.0.0.1:8080"), ExitCodes.USAGE, "is not an http:// or https:// URL");
    }

    @Test
    void startupDeployIsSkippedWhenModuleAndManifestAreCurrent(@TempDir Path data) throws IOException {
        Path manifest = data.resolve("hello.toml");
        Files.writeString(manifest, "timeout_ms = 1000\n");
        StartupDeploys.Spec spec = StartupDeploys.Spec.parse("sd-hello=" + UbiqCliTest.guest("hello") + ":" + manifest);
        assertEquals(manifest, spec.manifest());
        try (UbiqNode n = UbiqNode.builder().withPort(0).withDataDir(data.resolve("node")).withLog(l -> {}).start()) {
            assertTrue(StartupDeploys.apply(n, spec).startsWith("deployed sd-hello version 1 "));
            assertTrue(StartupDeploys.apply(n, spec).startsWith("sd-hello is current (version 1"));
            Files.writeString(manifest, "timeout_ms = 2000\n");
            assertTrue(StartupDeploys.apply(n, spec).startsWith("deployed sd-hello version 2 "), "a changed manifest deploys");
        }
        // after a restart the restored version is compared, not redeployed
        try (UbiqNode n = UbiqNode.builder().withPort(0).withDataDir(data.resolve("node")).withLog(l -> {}).start()) {
            assertTrue(StartupDeploys.apply(n, spec).startsWith("sd-hello is current (version 2"));
            StartupDeploys.Spec other = StartupDeploys.Spec.parse("sd-hello=" + UbiqCliTest.guest("env_args"));
            assertTrue(StartupDeploys.apply(n, other).startsWith("deployed sd-hello version 3 "), "a changed module deploys");
        }
    }

    @Test
    void deploySpecsParseWithColonsInPaths() {
        assertNull(StartupDeploys.Spec.parse("a=x.wasm").manifest());
        StartupDeploys.Spec s = StartupDeploys.Spec.parse("a=dir:1/x.wasm:m.toml");
        assertEquals(Path.of("dir:1/x.wasm"), s.module());
        assertEquals(Path.of("m.toml"), s.manifest());
        for (String bad : new String[] {"=x.wasm", "a=", "x.wasm", "a/b=x.wasm"}) {
            CliFailure f = assertThrows(CliFailure.class, () -> StartupDeploys.Spec.parse(bad), bad);
            assertEquals(ExitCodes.USAGE, f.exitCode);
        }
    }

    @Test
    void serveRefusesBadFlagsBeforeStarting() {
        assertError(cli("", bareEnv, "serve", "--port", "70000"), ExitCodes.USAGE, "out of range");
        assertError(cli("", bareEnv, "serve", "--kv-max-mb", "0"), ExitCodes.USAGE, "--kv-max-mb 0 must be at least 1");
        assertError(cli("", bareEnv, "serve", "--tls-cert", "c.pem"), ExitCodes.USAGE, "both --tls-cert and --tls-key");
        assertError(cli("", bareEnv, "serve", "--deploy", "hello"), ExitCodes.USAGE, "NAME=MODULE.wasm[:MANIFEST]");
        assertError(cli("", bareEnv, "serve", "--port", "0", "--data-dir", tmp.resolve("serve-bad").toString(),
                "--deploy", "x=" + tmp.resolve("missing.wasm")), ExitCodes.USAGE, "does not exist");
    }

    @Test
    void progressBarCountsEveryByte() throws IOException {
        var err = new ByteArrayOutputStream();
        var p = new NodeClient.Progress(new PrintStream(err, true, StandardCharsets.UTF_8), 3 << 20);
        try (var in = p.counting(new ByteArrayInputStream(new byte[3 << 20]))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        String shown = err.toString(StandardCharsets.UTF_8);
        assertTrue(shown.startsWith("\rupload ") && shown.endsWith("\rupload 100%  3.0/3.0 MiB\n"), shown);
    }
}
