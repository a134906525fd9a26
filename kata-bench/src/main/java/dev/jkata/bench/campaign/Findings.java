package dev.jkata.bench.campaign;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a campaign measured: named counts (the zero ones are the goals), figures, and each failure's story. */
public final class Findings {
    private final Map<String, Long> counts = new LinkedHashMap<>();
    private final Map<String, String> figures = new LinkedHashMap<>();
    private final List<String> failures = new ArrayList<>();

    synchronized void count(String name, long n) { counts.merge(name, n, Long::sum); }

    synchronized void figure(String name, String value) { figures.put(name, value); }

    synchronized void failure(String what) {
        if (failures.size() < 50) {
            failures.add(what);
        }
    }

    public synchronized long count(String name) { return counts.getOrDefault(name, 0L); }

    public synchronized List<String> failures() { return List.copyOf(failures); }

    public synchronized Map<String, Long> counts() { return Map.copyOf(counts); }

    @Override
    public synchronized String toString() {
        StringBuilder b = new StringBuilder();
        counts.forEach((k, v) -> b.append(String.format("  %-52s %d%n", k, v)));
        figures.forEach((k, v) -> b.append(String.format("  %-52s %s%n", k, v)));
        failures.forEach(f -> b.append("  ! ").append(f).append('\n'));
        return b.toString();
    }
}
