package dev.jkata.bench;

import dev.jkata.bench.Report.Row;
import dev.jkata.bench.Report.Target;
import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxBuilder;
import dev.jkata.api.SandboxSpec;
import dev.jkata.guestimage.cache.CacheDirectory;
import dev.jkata.core.pool.SandboxPool;
import dev.jkata.core.sandbox.Diagnostics;
import dev.jkata.guestimage.ImageForm;
import dev.jkata.core.template.Template;
import dev.jkata.core.template.Templates;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Issue 13. VM templates against a cold boot, on the default sandbox (initrd form, 512 MiB): the floor (QEMU launch
 * to a trivial init's marker), a cold start, the first start of a configuration (its template built, then cloned),
 * clones, starts that take a sandbox the pool started ahead, several clones started at once, and the host PSS of each clone's QEMU with several alive. Every figure is
 * start() called to the first output byte of an {@code echo} in the container.
 */
final class TemplateBench {
    private static final String SECTION = "template/initrd";
    private static final Duration BOOT = Duration.ofSeconds(240);
    static final Target CLONE = Target.ratioAtMost(0.5);
    static final Target FIRST = Target.ratioAtMost(1.3);
    static final Target POOL = Target.ratioAtMost(0.2);
    static final Target PSS_4 = Target.valueAtMost(120, "MiB");

    private final BenchContext ctx;
    private final Report report;

    TemplateBench(BenchContext ctx, Report report) {
        this.ctx = ctx;
        this.report = report;
    }

    void run() throws IOException, InterruptedException {
        int n = Math.max(2, ctx.options.runs());
        double floor = floor(n);
        List<Double> cold = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            cold.add(firstOutput(false));
            System.out.printf("[template] cold start %d: %.0f ms%n", i + 1, cold.get(i));
        }
        double coldMedian = Stats.of(cold).median();
        report.add(Row.vsFloor(SECTION, "cold start() -> first output of echo", coldMedian, "ms", "launch->marker", floor,
                null, "template(false); median of 2"));

        removeTemplates(512L << 20);
        double first = firstOutput(true);
        System.out.printf("[template] first start (template built): %.0f ms%n", first);
        // its floor is the cold start: building a template must cost little more than booting without one
        report.add(Row.vsFloor(SECTION, "first start of a configuration (builds its template)", first, "ms",
                "cold start", coldMedian, FIRST, "the template built, then cloned"));

        List<Double> clones = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            clones.add(firstOutput(true));
            System.out.printf("[template] clone %d: %.0f ms%n", i + 1, clones.get(i));
        }
        double clone = Stats.of(clones).median();
        report.add(Row.vsFloor(SECTION, "clone start() -> first output of echo", clone, "ms", "launch->marker", floor,
                CLONE, String.format(Locale.ROOT, "median of %d; %.2fx the cold start", n, clone / coldMedian)));
        report.add(Row.figure(SECTION, "clone start() p99", Stats.of(clones).percentile(99), "ms", null));

        List<Double> pooled = fromPool(n);
        report.add(Row.vsFloor(SECTION, "pool start() -> first output of echo", Stats.of(pooled).median(), "ms",
                "launch->marker", floor, POOL, String.format(Locale.ROOT, "median of %d; pool(1), each start taken"
                        + " once the pool had filled again; %.2fx a clone's start", n, Stats.of(pooled).median() / clone)));

        for (int count : ctx.options.counts().contains(16) ? List.of(4, 16) : List.of(4)) {
            atOnce(count, clone);
        }
    }

    /** The floor: QEMU with the sandbox's kernel and options, a trivial init printing a marker; median of {@code n}. */
    private double floor(int n) throws IOException, InterruptedException {
        List<Double> marker = new ArrayList<>();
        var image = ctx.image(ImageForm.INITRD);
        for (int i = 0; i < n; i++) {
            try (FloorVm f = FloorVm.launch(ctx, image, ctx.floors().trivial(), image.kernelCommandLine())) {
                ConsoleWatch.Line m = f.console.await(FloorImages.FLOOR_MARKER, Duration.ofSeconds(120)).orElseThrow(() ->
                        new IllegalStateException("the floor guest printed no marker; console:\n" + f.console.text()));
                marker.add(TimedSandbox.ms(m.hostNanos() - f.launched));
                f.awaitPowerOff(Duration.ofSeconds(30));
            }
        }
        double floor = Stats.of(marker).median();
        report.add(Row.figure(SECTION, "floor: QEMU launch -> init marker", floor, "ms", "median of " + n));
        return floor;
    }

    private double firstOutput(boolean template) throws IOException, InterruptedException {
        try (TimedSandbox sb = TimedSandbox.start(ctx, ImageForm.INITRD, BOOT, template)) {
            return TimedSandbox.ms(StartBench.firstEchoByte(sb) - sb.startCalled);
        }
    }

    /**
     * start() to the first output of an echo when the start takes a sandbox the pool started ahead: {@code n} takes,
     * each once the pool has filled again behind the one before.
     */
    private List<Double> fromPool(int n) throws IOException, InterruptedException {
        SandboxBuilder b = Sandbox.builder().stateRoot(ctx.newDir("pool")).bootTimeout(BOOT).pool(1);
        SandboxSpec spec = b.toSpec();
        List<Double> times = new ArrayList<>();
        try {
            b.start().close(); // the pool fills behind the first start
            for (int i = 0; i < n; i++) {
                if (!SandboxPool.shared().awaitReady(spec, 1, BOOT)) {
                    throw new IllegalStateException("the pool did not fill within " + BOOT.toSeconds() + " s");
                }
                long t0 = System.nanoTime();
                try (Sandbox sb = b.start()) {
                    times.add(TimedSandbox.ms(StartBench.firstEchoByte(sb) - t0));
                    if (!Diagnostics.fromPool(sb)) {
                        throw new IllegalStateException("a start with a full pool did not take from it");
                    }
                }
                System.out.printf("[template] from the pool %d: %.0f ms%n", i + 1, times.get(i));
            }
        } finally {
            SandboxPool.shared().drain();
        }
        return times;
    }

    /** {@code count} clones started at once: the wall time until all answered an echo, and each QEMU's PSS. */
    private void atOnce(int count, double one) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        List<CompletableFuture<TimedSandbox>> starting = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            starting.add(CompletableFuture.supplyAsync(() -> {
                try {
                    TimedSandbox sb = TimedSandbox.start(ctx, ImageForm.INITRD, BOOT, true);
                    StartBench.firstEchoByte(sb);
                    return sb;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }));
        }
        List<TimedSandbox> alive = new ArrayList<>();
        try {
            for (CompletableFuture<TimedSandbox> f : starting) {
                alive.add(f.join());
            }
            double wall = TimedSandbox.ms(System.nanoTime() - t0);
            report.add(Row.figure(SECTION, count + " clones started at once: wall time to all echoing", wall, "ms",
                    String.format(Locale.ROOT, "%.1fx one clone's %.0f ms, on %d host cores", wall / one, one,
                            Runtime.getRuntime().availableProcessors())));
            Thread.sleep(5000); // settle: free page reporting
            List<Double> pss = new ArrayList<>();
            for (TimedSandbox sb : alive) {
                pss.add(pssMiB(sb.qemuPid()));
            }
            Row row = count == 4
                    ? Row.withTarget(SECTION, "QEMU PSS per idle clone, " + count + " alive", Stats.of(pss).median(), "MiB",
                            PSS_4, "median over the clones; smaps_rollup")
                    : Row.withTarget(SECTION, "QEMU PSS per idle clone, " + count + " alive", Stats.of(pss).median(), "MiB",
                            Target.valueAtMost(100, "MiB"), "median over the clones; smaps_rollup");
            report.add(row);
        } finally {
            for (TimedSandbox sb : alive) {
                sb.close();
            }
        }
    }

    private static double pssMiB(long pid) throws IOException {
        Matcher m = Pattern.compile("(?m)^Pss:\\s+(\\d+) kB").matcher(Files.readString(Path.of("/proc", Long.toString(pid),
                "smaps_rollup")));
        if (!m.find()) {
            throw new IllegalStateException("no Pss for QEMU pid " + pid);
        }
        return Long.parseLong(m.group(1)) / 1024.0;
    }

    /** Removes the default configuration's templates (those with {@code ramBytes} of RAM), so that the next start builds one. */
    private static void removeTemplates(long ramBytes) throws IOException {
        Path dir = CacheDirectory.defaultLocation().root().resolve(Templates.KIND);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                if (!p.getFileName().toString().startsWith(".")) {
                    Template.open(p, -1).filter(t -> t.ramBytes() == ramBytes).ifPresent(Template::delete);
                }
            }
        }
    }
}
