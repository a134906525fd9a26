package dev.jkata.bench;

import dev.jkata.guestimage.ImageForm;
import dev.jkata.bench.Report.Row;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;

/**
 * 5. Concurrency: the time until 4 sandboxes started at the same moment all run, against one alone. It reads
 * the fleets the memory benchmark starts (1 and 4 at once), so those boots are not paid twice. Under TCG each
 * guest is CPU-bound, so on C cores the ideal for 4 is about max(1, 4 / C) times one.
 */
final class ConcurrencyBench {
    private final Report report;
    private final Map<ImageForm, Double> single = new EnumMap<>(ImageForm.class);

    ConcurrencyBench(Report report) {
        this.report = report;
    }

    void record(Fleet fleet) {
        String section = "concurrency/" + fleet.form.name().toLowerCase(Locale.ROOT);
        int n = fleet.sandboxes.size();
        if (n == 1) {
            single.put(fleet.form, fleet.wallMs);
            report.add(Row.figure(section, "start 1 sandbox", fleet.wallMs, "ms", null));
        } else if (n == 4 && fleet.parallel == 4) {
            Double one = single.get(fleet.form);
            int cores = Runtime.getRuntime().availableProcessors();
            String note = String.format(Locale.ROOT, "wall until all 4 returned from start(); %d host cores, so CPU-bound "
                    + "TCG guests would ideally take %.1fx one", cores, Math.max(1.0, 4.0 / cores));
            report.add(one == null ? Row.figure(section, "start 4 sandboxes at once", fleet.wallMs, "ms", note)
                    : Row.vsFloor(section, "start 4 sandboxes at once", fleet.wallMs, "ms", "start 1", one, null, note));
        }
    }

    void skipped(ImageForm form, String reason) {
        report.add(Row.notMeasured("concurrency/" + form.name().toLowerCase(Locale.ROOT), "start 4 sandboxes at once", reason));
    }
}
