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

/** tools/README.md cannot go stale: its exit-code table and its inspect example are checked here. */
class ReadmeTest {
    static String readme() throws IOException {
        return Files.readString(UbiqCliTest.ROOT.resolve("tools/README.md"));
    }

    @Test
    void exitCodeTableMatchesRunHelp() throws IOException {
        Set<String> documented = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^\\| `(\\w+)` \\|").matcher(readme());
        while (m.find()) {
            documented.add(m.group(1));
        }
        String help = UbiqCliTest.ubiq("", "run", "--help").out();
        String codes = help.substring(help.indexOf("Exit codes:"));
        Set<String> inHelp = new TreeSet<>();
        Matcher h = Pattern.compile("(?m)^  (\\w+) {2,}").matcher(codes);
        while (h.find()) {
            inHelp.add(h.group(1));
        }
        assertEquals(inHelp, documented);
        assertTrue(documented.containsAll(List.of("124", "125", "126", "134")), documented.toString());
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
