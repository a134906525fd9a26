package dev.jkata.qemu;

import java.util.ArrayDeque;
import java.util.List;

/** The last {@code capacity} lines of a stream, each cut to {@code maxLineChars}. Thread-safe. */
final class LineRing {
    private final int capacity;
    private final int maxLineChars;
    private final ArrayDeque<String> lines;

    LineRing(int capacity, int maxLineChars) {
        this.capacity = capacity;
        this.maxLineChars = maxLineChars;
        this.lines = new ArrayDeque<>(capacity);
    }

    synchronized void add(String line) {
        if (line.length() > maxLineChars) {
            line = line.substring(0, maxLineChars) + "...";
        }
        if (lines.size() == capacity) {
            lines.removeFirst();
        }
        lines.addLast(line);
    }

    synchronized List<String> snapshot() {
        return List.copyOf(lines);
    }
}
