package dev.ubiq.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * tools/README.md cannot go stale: its exit-code tables, the options of every command and its
 * inspect example are checked against what the commands say and do. The root README's set-up
 * lines are the ones {@link ServeIT} runs.
 */
class ReadmeTest {
    /** The client options every node command shares, documented once under "Talking to a node". */
    private static final String CLIENT_SECTION = "Talking to a node";

    static String readme() throws IOException {
        return Files.readString(UbiqCliTest.ROOT.resolve("tools/README.md"));
    }

    /** From the {@code ## } heading that contains {@code title} to the next {@code ## } heading. */
    static String section(String title) throws IOException {
        String text = readme();
        Matcher m = Pattern.compile("(?m)^## .*" + Pattern.quote(title) + ".*$").matcher(text);
        assertTrue(m.find(), "tools/README.md has no section '" + title + "'");
        int end = text.indexOf("\n## ", m.end());
        return text.substring(m.start(), end < 0 ? text.length() : end);
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "serve", "deploy", "invoke"})
    void exitCodeTableMatchesHelp(String command) throws IOException {
        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `(\\w+)` \\|").matcher(section("`ubiq " + command + "`"));
        while (m.find()) {
            documented.add(m.group(1));
        }
        String help = UbiqCliTest.ubiq("", command, "--help").out();
        String codes = help.substring(help.indexOf("Exit codes:"));
        Set<String> inHelp = new TreeSet<>();
        Matcher h = Pattern.compile("(?m)^  (\\w+) {2,}").matcher(codes);
        while (h.find()) {
            inHelp.add(h.group(1));
        }
        assertEquals(inHelp, documented, command);
    }

    @Test
    void runDocumentsTheCodesOfItsFailures() throws IOException {
        String run = section("`ubiq run`");
        for (String code : List.of("124", "125", "126", "134")) {
            assertTrue(run.contains("| `" + code + "` |"), code);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"run", "inspect", "serve", "deploy", "invoke", "ls", "rm", "logs", "status"})
    void everyOptionIsDocumented(String command) throws IOException {
        String help = UbiqCliTest.ubiq("", command, "--help").out();
        String own = section("`ubiq " + command + "`");
        String client = section(CLIENT_SECTION);
        Matcher m = Pattern.compile("(?<![\\w-])--[a-z][a-z-]+").matcher(help);
        Set<String> missing = new TreeSet<>();
        while (m.find()) {
            String option = m.group();
            if (option.equals("--help") || option.equals("--version")) {
                continue;
            }
            if (!own.contains("`" + option) && !own.contains(option + " ") && !client.contains("`" + option)) {
                missing.add(option);
            }
        }
        assertEquals(Set.of(), missing, "options of 'ubiq " + command + "' missing from tools/README.md");
    }

    @Test
    void clientSectionNamesEveryVariableAndTheConfigFile() throws IOException {
        String client = section(CLIENT_SECTION);
        for (String s : List.of(ClientOptions.NODE_ENV, ClientOptions.TOKEN_ENV, "$XDG_CONFIG_HOME/ubiq/config.toml",
                "~/.config/ubiq/config.toml", ClientOptions.DEFAULT_NODE, "admin.token")) {
            assertTrue(client.contains(s), s);
        }
        for (String key : ClientOptions.CONFIG_KEYS) {
            assertTrue(client.contains(key + " = "), key);
        }
    }

    @Test
    void rootReadmeSetUpIsWhatServeItRuns() throws IOException {
        String readme = Files.readString(UbiqCliTest.ROOT.resolve("README.md"));
        assertTrue(readme.contains("mvn -B -q -DskipTests install && " + ServeIT.README_SERVE + "\n"), ServeIT.README_SERVE);
        assertTrue(readme.contains(ServeIT.README_CURL + "\n"), ServeIT.README_CURL);
        assertTrue(readme.contains(ServeIT.README_INVOKE + "\n"), ServeIT.README_INVOKE);
    }

    @Test
    void inspectExampleIsWhatInspectPrints() throws IOException {
        String command = "$ bin/ubiq inspect guests/out/trivial_reactor.wasm\n";
        String text = readme();
        int start = text.indexOf(command) + command.length();
        String expected = text.substring(start, text.indexOf("```", start));
        String actual = UbiqCliTest.ubiq("", "inspect", UbiqCliTest.guest("trivial_reactor")).out()
                .replace(UbiqCliTest.guest("trivial_reactor"), "guests/out/trivial_reactor.wasm");
        assertEquals(expected, actual);
    }
}
