package dev.ubiq.node.internal;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The last lines a function logged (its stderr, plus one line per failed invocation), bounded in
 * lines and in bytes per line, so a chatty or hostile guest cannot grow the node's memory.
 */
public final class LogRing {
    /** Longest line kept; the rest of a longer line is cut and marked. */
    public static final int MAX_LINE_CHARS = 2048;

    private final int capacity;
    private final ArrayDeque<String> lines = new ArrayDeque<>();
    private long dropped;

    public LogRing(int capacity) {
        this.capacity = capacity;
    }

    /** Adds a guest's log output of one invocation, line by line, stamped. */
    public synchronized void append(long invocationId, byte[] log) {
        if (log.length == 0) {
            return;
        }
        String prefix = Instant.now() + " #" + invocationId + " ";
        for (String line : new String(log, StandardCharsets.UTF_8).split("\n", -1)) {
            if (!line.isEmpty()) {
                add(prefix + line);
            }
        }
    }

    /** Adds one host-written line (an invocation's failure). */
    public synchronized void note(long invocationId, String text) {
        add(Instant.now() + " #" + invocationId + " [ubiq] " + text);
    }

    private void add(String line) {
        if (line.length() > MAX_LINE_CHARS) {
            line = line.substring(0, MAX_LINE_CHARS) + " [line cut]";
        }
        lines.addLast(line);
        while (lines.size() > capacity) {
            lines.removeFirst();
            dropped++;
        }
    }

    /** The kept lines, oldest first, at most {@code max}. */
    public synchronized List<String> tail(int max) {
        List<String> all = new ArrayList<>(lines);
        return all.subList(Math.max(0, all.size() - max), all.size());
    }

    public synchronized long dropped() {
        return dropped;
    }
}
