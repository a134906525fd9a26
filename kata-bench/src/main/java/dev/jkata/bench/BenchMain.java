package dev.jkata.bench;

import dev.jkata.guestimage.ImageForm;
import dev.jkata.bench.Report.Row;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Runs the benchmarks of issue 7 and reports them: {@code scripts/bench.sh [options]} (see
 * {@link BenchOptions#USAGE}). A benchmark that fails leaves a "not measured" row with the reason and the run
 * goes on; the exit status is 0 unless the options were wrong. VMs are started one benchmark at a time.
 */
public final class BenchMain {
    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        BenchOptions options;
        try {
            options = BenchOptions.parse(args, Path.of("kata-bench/target/bench-results.json"));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        Report report = new Report(MachineInfo.describe(), options.describe());
        if (options.runs("memory") && !options.counts().contains(16)) {
            report.note("16 sandboxes at once was skipped (it takes long under TCG on 2 cores); add --with-16 to include it.");
        }
        if (options.stdioBytes() < 256L << 20) {
            report.note("Stdio moved " + (options.stdioBytes() >> 20) + " MiB each way, not issue 7's 256 MiB, to stay within"
                    + " the time budget under TCG; --stdio-mib=256 measures the full size.");
        }
        try (BenchContext ctx = new BenchContext(options, Path.of("kata-bench/target/bench-work").toAbsolutePath())) {
            if (options.runs("image")) {
                guarded(report, "image", () -> new ImageBench(ctx, report).run());
            }
            if (options.runs("network")) {
                guarded(report, "network", () -> new NetworkBench(ctx, report).run());
                guarded(report, "network", () -> new EngineNetworkBench(ctx, report).run());
            }
            if (options.runs("oci")) {
                guarded(report, "oci", () -> new OciBench(ctx, report, options.runs()).run());
            }
            if (options.runs("disk")) {
                guarded(report, "disk", () -> new DiskBench(ctx, report).run());
            }
            if (options.runs("template")) {
                guarded(report, "template", () -> new TemplateBench(ctx, report).run());
            }
            if (options.runs("start")) {
                guarded(report, "start", () -> new StartBench(ctx, report).run());
            }
            if (options.runs("exec") || options.runs("stdio")) {
                execAndStdio(ctx, report);
            }
            if (options.runs("memory") || options.runs("concurrency")) {
                fleets(ctx, report);
            }
            if (options.runs("memory")) {
                Set<ImageForm> built = new LinkedHashSet<>(options.forms());
                built.addAll(options.memoryForms());
                guarded(report, "image", () -> new MemoryBench(ctx, report).imageSizes(List.copyOf(built)));
            }
        }
        report.print(System.out);
        report.writeJson(options.output());
        System.out.println("JSON: " + options.output().toAbsolutePath());
        System.exit(0);
    }

    /**
     * Exec and stdio share one floor VM, then one sandbox (the default, initrd form): the floors are measured
     * with the floor VM alone, then the floor VM is stopped and the sandbox's figures are measured alone.
     */
    private static void execAndStdio(BenchContext ctx, Report report) {
        ExecBench exec = new ExecBench(ctx, report);
        StdioBench stdio = new StdioBench(ctx, report);
        boolean runExec = ctx.options.runs("exec");
        boolean runStdio = ctx.options.runs("stdio");
        System.out.println("[exec/stdio] booting the serial floor VM");
        try (Closing<SerialFloor> floor = new Closing<>(Attempt.of(() -> SerialFloor.boot(ctx)))) {
            if (runExec) {
                guarded(report, "exec", () -> exec.floor(floor.attempt));
            }
            if (runStdio) {
                guarded(report, "stdio", () -> stdio.floor(floor.attempt));
            }
        }
        System.out.println("[exec/stdio] starting a sandbox");
        try (Closing<TimedSandbox> sb = new Closing<>(Attempt.of(() -> TimedSandbox.start(ctx, ImageForm.INITRD)))) {
            if (runExec) {
                guarded(report, "exec", () -> exec.sandbox(sb.attempt));
            }
            if (runStdio) {
                guarded(report, "stdio", () -> stdio.sandbox(sb.attempt));
            }
        }
    }

    /** Memory and concurrency share their fleets: for each form, 1, 4 (and 16) sandboxes at once. */
    private static void fleets(BenchContext ctx, Report report) {
        MemoryBench memory = new MemoryBench(ctx, report);
        ConcurrencyBench concurrency = new ConcurrencyBench(report);
        List<Integer> counts = new ArrayList<>(ctx.options.runs("memory") ? ctx.options.counts() : List.of());
        if (ctx.options.runs("concurrency")) {
            for (int c : List.of(1, 4)) {
                if (!counts.contains(c)) {
                    counts.add(c);
                }
            }
        }
        counts.sort(Integer::compare);
        for (ImageForm form : ctx.options.memoryForms()) {
            String failure = null;
            for (int count : counts) {
                if (failure != null) {
                    if (ctx.options.runs("memory")) {
                        memory.skipped(form, count, failure);
                    }
                    continue;
                }
                System.out.printf("[memory] %s: starting %d sandbox(es) at once%n", form.name().toLowerCase(Locale.ROOT), count);
                try (Fleet fleet = Fleet.start(ctx, form, count)) {
                    System.out.printf("[memory] %d running after %.0f ms%n", count, fleet.wallMs);
                    if (ctx.options.runs("concurrency")) {
                        concurrency.record(fleet);
                    }
                    if (ctx.options.runs("memory") && ctx.options.counts().contains(count)) {
                        memory.measure(fleet);
                    }
                } catch (Exception e) {
                    failure = reason(e);
                    if (ctx.options.runs("memory")) {
                        memory.skipped(form, count, failure);
                    }
                    if (ctx.options.runs("concurrency") && count <= 4) {
                        concurrency.skipped(form, failure);
                    }
                }
            }
        }
    }

    interface Bench {
        void run() throws Exception;
    }

    private static void guarded(Report report, String section, Bench bench) {
        try {
            bench.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            report.add(Row.notMeasured(section, "(benchmark aborted)", "interrupted"));
        } catch (Exception e) {
            e.printStackTrace();
            report.add(Row.notMeasured(section, "(benchmark aborted)", reason(e)));
        }
    }

    private static String reason(Exception e) {
        return Attempt.reason(e);
    }

    /** Closes what an {@link Attempt} set up, if it did. */
    private record Closing<T extends AutoCloseable>(Attempt<T> attempt) implements AutoCloseable {
        @Override
        public void close() {
            attempt.get().ifPresent(v -> {
                try {
                    v.close();
                } catch (Exception e) {
                    System.err.println("closing " + v + " failed: " + e);
                }
            });
        }
    }
}
