package dev.jkata.bench;

import java.util.Arrays;
import java.util.Collection;

/** Order statistics of a sample: median, percentiles (nearest rank), min and max. Immutable. */
final class Stats {
    private final double[] sorted;

    private Stats(double[] values) {
        this.sorted = values.clone();
        Arrays.sort(sorted);
    }

    static Stats of(Collection<? extends Number> values) {
        return new Stats(values.stream().mapToDouble(Number::doubleValue).toArray());
    }

    static Stats of(double... values) {
        return new Stats(values);
    }

    int count() { return sorted.length; }

    boolean isEmpty() { return sorted.length == 0; }

    /** The middle value; the mean of the two middle ones for an even count. */
    double median() {
        requireValues();
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    double p50() { return percentile(50); }

    double p99() { return percentile(99); }

    /** The nearest-rank percentile: the smallest value with at least {@code p}% of the sample at or below it. */
    double percentile(double p) {
        requireValues();
        int rank = (int) Math.ceil(p / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    double min() { requireValues(); return sorted[0]; }

    double max() { requireValues(); return sorted[sorted.length - 1]; }

    double mean() {
        requireValues();
        return Arrays.stream(sorted).average().orElseThrow();
    }

    private void requireValues() {
        if (sorted.length == 0) {
            throw new IllegalStateException("no values measured");
        }
    }

    @Override
    public String toString() {
        return sorted.length == 0 ? "[]" : String.format("n=%d min=%.1f p50=%.1f max=%.1f", count(), min(), p50(), max());
    }
}
