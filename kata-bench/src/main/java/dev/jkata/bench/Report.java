package dev.jkata.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results: one row per figure with its floor, their ratio and the target it is held to. Prints them as a
 * table and writes them as JSON. A figure that could not be measured is a row too, saying why.
 */
final class Report {

    enum Verdict { PASS, MISS, INFO, NOT_MEASURED }

    /** A target from issue 7: a bound on the ratio to the floor, or on the value itself. */
    record Target(String text, boolean onRatio, boolean atMost, double bound) {
        static Target ratioAtMost(double bound) { return new Target(String.format(Locale.ROOT, "<= %.1fx floor", bound), true, true, bound); }

        static Target ratioAtLeast(double bound) { return new Target(String.format(Locale.ROOT, ">= %.0f%% of floor", bound * 100), true, false, bound); }

        static Target valueAtMost(double bound, String unit) { return new Target(String.format(Locale.ROOT, "<= %.0f %s", bound, unit), false, true, bound); }

        boolean met(double value, Double ratio) {
            double x = onRatio ? ratio : value;
            return atMost ? x <= bound : x >= bound;
        }

        /** How far the measured value is from the bound, in words. */
        String shortfall(double value, Double ratio) {
            double x = onRatio ? ratio : value;
            double pct = atMost ? (x / bound - 1) * 100 : (1 - x / bound) * 100;
            return String.format(Locale.ROOT, "%s by %.0f%% (%s against %s)", atMost ? "over" : "under", pct,
                    onRatio ? fmt(x) + "x" : fmt(x), text);
        }
    }

    /**
     * One figure. {@code value} and {@code floor} are in {@code unit}; {@code ratio} is value / floor. A null
     * value means not measured, with the reason in {@code note}.
     */
    record Row(String section, String name, Double value, String unit, String floorName, Double floor,
               Double ratio, Target target, Verdict verdict, String note) {

        static Row figure(String section, String name, double value, String unit, String note) {
            return new Row(section, name, value, unit, null, null, null, null, Verdict.INFO, note);
        }

        static Row vsFloor(String section, String name, double value, String unit, String floorName, double floor,
                           Target target, String note) {
            double ratio = value / floor;
            Verdict v = target == null ? Verdict.INFO : target.met(value, ratio) ? Verdict.PASS : Verdict.MISS;
            return new Row(section, name, value, unit, floorName, floor, ratio, target, v, note);
        }

        static Row withTarget(String section, String name, double value, String unit, Target target, String note) {
            return new Row(section, name, value, unit, null, null, null, target,
                    target.met(value, null) ? Verdict.PASS : Verdict.MISS, note);
        }

        static Row notMeasured(String section, String name, String reason) {
            return new Row(section, name, null, null, null, null, null, null, Verdict.NOT_MEASURED, reason);
        }

        Row note(String text) {
            return new Row(section, name, value, unit, floorName, floor, ratio, target, verdict,
                    note == null ? text : note + "; " + text);
        }
    }

    private final Map<String, Object> machine;
    private final Map<String, Object> options;
    private final Instant started = Instant.now();
    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();

    Report(Map<String, Object> machine, Map<String, Object> options) {
        this.machine = machine;
        this.options = options;
    }

    synchronized void add(Row row) {
        rows.add(row);
    }

    synchronized void addAll(List<Row> more) {
        rows.addAll(more);
    }

    /** A sentence for the closing note. */
    synchronized void note(String text) {
        notes.add(text);
    }

    synchronized List<Row> rows() { return List.copyOf(rows); }

    void print(PrintStream out) {
        out.println();
        out.println("== jkata benchmarks (issue 7) ==");
        machine.forEach((k, v) -> out.printf("%-12s %s%n", k + ":", v));
        out.printf("%-12s %s%n", "options:", options);
        out.println();
        List<String[]> cells = new ArrayList<>();
        List<String> footnotes = new ArrayList<>();
        cells.add(new String[] {"section", "figure", "value", "floor", "ratio", "target", "verdict"});
        for (Row r : rows()) {
            String value = r.value() == null ? "—" : fmt(r.value()) + " " + r.unit();
            String floor = r.floor() == null ? "" : r.floorName() + " " + fmt(r.floor());
            String ratio = r.ratio() == null ? "" : fmt(r.ratio()) + "x";
            String verdict = r.verdict() == Verdict.NOT_MEASURED ? "not measured" : r.verdict() == Verdict.INFO ? "" : r.verdict().name();
            if (r.note() != null) {
                int n = footnotes.indexOf(r.note());
                if (n < 0) {
                    footnotes.add(r.note());
                    n = footnotes.size() - 1;
                }
                verdict += (verdict.isEmpty() ? "" : " ") + "[" + (n + 1) + "]";
            }
            cells.add(new String[] {r.section(), r.name(), value, floor, ratio, r.target() == null ? "" : r.target().text(), verdict});
        }
        int[] width = new int[7];
        for (String[] c : cells) {
            for (int i = 0; i < c.length; i++) {
                width[i] = Math.max(width[i], c[i].length());
            }
        }
        boolean header = true;
        for (String[] c : cells) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < c.length; i++) {
                boolean right = i == 2 || i == 4;
                String cell = right ? " ".repeat(width[i] - c[i].length()) + c[i] : c[i] + " ".repeat(width[i] - c[i].length());
                line.append(cell).append(i == c.length - 1 ? "" : "  ");
            }
            out.println(line.toString().stripTrailing());
            if (header) {
                out.println("-".repeat(line.length()));
                header = false;
            }
        }
        out.println();
        for (int i = 0; i < footnotes.size(); i++) {
            out.printf("[%d] %s%n", i + 1, footnotes.get(i));
        }
        List<String> closing = closingNote();
        if (!closing.isEmpty()) {
            out.println();
            out.println("Closing note:");
            closing.forEach(s -> out.println("- " + s));
        }
        out.printf("%nTotal time %s%n", human(Duration.between(started, Instant.now())));
    }

    /** The misses with their shortfall, then the notes the benchmarks left. */
    synchronized List<String> closingNote() {
        List<String> out = new ArrayList<>();
        for (Row r : rows) {
            if (r.verdict() == Verdict.MISS) {
                out.add(r.section() + " / " + r.name() + ": MISS, " + r.target().shortfall(r.value(), r.ratio()) + ".");
            }
        }
        long missing = rows.stream().filter(r -> r.verdict() == Verdict.NOT_MEASURED).count();
        if (missing > 0) {
            out.add(missing + " figure(s) not measured; the reasons are in the footnotes.");
        }
        out.addAll(notes);
        return out;
    }

    void writeJson(Path file) throws IOException {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("issue", 7);
        root.put("started", started.toString());
        root.put("seconds", Duration.between(started, Instant.now()).toSeconds());
        root.put("machine", machine);
        root.put("options", options);
        List<Map<String, Object>> list = new ArrayList<>();
        for (Row r : rows()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("section", r.section());
            m.put("name", r.name());
            m.put("value", r.value());
            m.put("unit", r.unit());
            m.put("floorName", r.floorName());
            m.put("floor", r.floor());
            m.put("ratio", r.ratio());
            m.put("target", r.target() == null ? null : r.target().text());
            m.put("verdict", r.verdict().name());
            m.put("note", r.note());
            list.add(m);
        }
        root.put("rows", list);
        root.put("closingNote", closingNote());
        Files.createDirectories(file.toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), root);
    }

    static String fmt(double v) {
        double a = Math.abs(v);
        if (a >= 100) {
            return String.format(Locale.ROOT, "%.0f", v);
        }
        if (a >= 10) {
            return String.format(Locale.ROOT, "%.1f", v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    static String human(Duration d) {
        return String.format(Locale.ROOT, "%dm%02ds", d.toMinutes(), d.toSecondsPart());
    }
}
