package dev.jkata.bench;

import dev.jkata.api.ExecProcess;
import dev.jkata.api.ExecSpec;
import dev.jkata.guestimage.GuestImage;
import dev.jkata.guestimage.ImageForm;
import dev.jkata.bench.Report.Row;
import dev.jkata.bench.Report.Target;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * 1. Start. The floor is QEMU with the sandbox's command line and a trivial init that prints a marker and
 * powers off: QEMU launch → marker, and → exit. Against it: {@code Sandbox.start()} until it returns (the agent
 * answered and the default container exists), {@code bootTime()}, and start() → the first byte of an
 * {@code echo} in the container. Medians of N runs per image form, and the split of the start.
 */
final class StartBench {
    private static final Duration BOOT_DEADLINE = Duration.ofSeconds(120);
    static final Target AGENT_READY = Target.ratioAtMost(2.0);
    static final Target FIRST_OUTPUT = Target.ratioAtMost(2.5);

    private final BenchContext ctx;
    private final Report report;
    /** start() wall medians per form, for the concurrency benchmark. */
    final Map<ImageForm, Double> startMedians = new LinkedHashMap<>();

    StartBench(BenchContext ctx, Report report) {
        this.ctx = ctx;
        this.report = report;
    }

    void run() throws IOException, InterruptedException {
        for (ImageForm form : ctx.options.forms()) {
            runForm(form);
        }
        report.note(TimedSandbox.SPLIT_LEGEND);
    }

    private void runForm(ImageForm form) throws IOException, InterruptedException {
        String section = "start/" + form.name().toLowerCase(Locale.ROOT);
        GuestImage image = ctx.image(form);
        Path initrd = ctx.floors().trivial();
        int n = ctx.options.runs();

        List<Double> marker = new ArrayList<>();
        List<Double> exit = new ArrayList<>();
        List<Map<String, Double>> floorSplits = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try (FloorVm f = FloorVm.launch(ctx, image, initrd, image.kernelCommandLine())) {
                ConsoleWatch.Line m = f.console.await(FloorImages.FLOOR_MARKER, BOOT_DEADLINE).orElseThrow(() ->
                        new IllegalStateException("the floor guest printed no marker; console:\n" + f.console.text()));
                long end = f.awaitPowerOff(Duration.ofSeconds(30));
                marker.add(TimedSandbox.ms(m.hostNanos() - f.launched));
                exit.add(TimedSandbox.ms(end - f.launched));
                Map<String, Double> s = new LinkedHashMap<>();
                f.console.appearedAt().ifPresent(q -> TimedSandbox.kernelZero(f.console).ifPresent(k0 -> {
                    s.put("floor split: launch -> QEMU up", TimedSandbox.ms(q - f.launched));
                    s.put("floor split: QEMU up -> kernel start", TimedSandbox.ms(k0 - q));
                }));
                m.uptime().ifPresent(u -> s.put("floor split: kernel -> init", u * 1000));
                floorSplits.add(s);
            }
            System.out.printf("[start] %s floor run %d: marker %.0f ms, exit %.0f ms%n", form, i + 1,
                    marker.get(i), exit.get(i));
        }
        double floor = Stats.of(marker).median();
        report.add(Row.figure(section, "floor: QEMU launch -> init marker", floor, "ms",
                "trivial busybox init, same kernel, command line and QEMU options; median of " + n));
        report.add(Row.figure(section, "floor: QEMU launch -> QEMU exit", Stats.of(exit).median(), "ms", null));
        medians(floorSplits).forEach((k, v) -> report.add(Row.figure(section, k, v, "ms", null)));

        List<Double> start = new ArrayList<>();
        List<Double> boot = new ArrayList<>();
        List<Double> firstOutput = new ArrayList<>();
        List<Map<String, Double>> splits = new ArrayList<>();
        String failure = null;
        for (int i = 0; i < n && failure == null; i++) {
            try (TimedSandbox sb = TimedSandbox.start(ctx, form)) {
                long first = firstEchoByte(sb);
                start.add(TimedSandbox.ms(sb.startNanos()));
                boot.add((double) sb.sandbox.bootTime().toMillis());
                firstOutput.add(TimedSandbox.ms(first - sb.startCalled));
                Map<String, Double> s = sb.split();
                s.put("start() returns -> echo output", TimedSandbox.ms(first - sb.startReturned));
                splits.add(s);
                System.out.printf("[start] %s sandbox run %d: start() %.0f ms, boot %.0f ms, first output %.0f ms%n",
                        form, i + 1, start.get(i), boot.get(i), firstOutput.get(i));
            } catch (TimedSandbox.SandboxUnavailableException e) {
                failure = e.getMessage();
            }
        }
        if (failure != null) {
            for (String name : List.of("start() -> agent ready (start() returns)", "bootTime()", "start() -> first output of echo")) {
                report.add(Row.notMeasured(section, name, failure));
            }
            return;
        }
        double startMedian = Stats.of(start).median();
        startMedians.put(form, startMedian);
        report.add(Row.vsFloor(section, "start() -> agent ready (start() returns)", startMedian, "ms",
                "launch->marker", floor, AGENT_READY, "start() returns once the agent answered and the default container runs"));
        report.add(Row.vsFloor(section, "bootTime()", Stats.of(boot).median(), "ms", "launch->marker", floor, null,
                "the sandbox's own figure: VM launch -> default container created"));
        double firstMedian = Stats.of(firstOutput).median();
        report.add(Row.vsFloor(section, "start() -> first output of echo", firstMedian, "ms", "launch->marker", floor,
                FIRST_OUTPUT, null));
        Map<String, Double> split = medians(splits);
        split.forEach((k, v) -> report.add(Row.figure(section, "split: " + k, v, "ms", null)));
        report.note(where(form, firstMedian, floor, split));
    }

    /** Starts {@code echo} in the default container and returns the host nanos of its first output byte. */
    static long firstEchoByte(TimedSandbox sb) throws IOException, InterruptedException {
        return firstEchoByte(sb.sandbox);
    }

    /** When the first byte of an {@code echo}'s output in {@code sb}'s default container reached the host (nanos). */
    static long firstEchoByte(dev.jkata.api.Sandbox sb) throws IOException, InterruptedException {
        try (ExecProcess p = sb.exec(ExecSpec.builder("echo", "hello").build())) {
            p.stdin().close();
            InputStream out = p.stdout();
            if (out.read() < 0) {
                throw new IOException("echo printed nothing");
            }
            long t = System.nanoTime();
            out.readAllBytes();
            p.waitFor(Duration.ofSeconds(60));
            return t;
        }
    }

    /** The per-key median over runs, in the order the keys first appear. */
    static Map<String, Double> medians(List<Map<String, Double>> runs) {
        Map<String, List<Double>> all = new LinkedHashMap<>();
        runs.forEach(r -> r.forEach((k, v) -> all.computeIfAbsent(k, x -> new ArrayList<>()).add(v)));
        Map<String, Double> out = new LinkedHashMap<>();
        all.forEach((k, v) -> out.put(k, Stats.of(v).median()));
        return out;
    }

    /** A sentence for the closing note: the start against its floor, and its three biggest segments. */
    private static String where(ImageForm form, double firstOutput, double floor, Map<String, Double> split) {
        double total = split.values().stream().mapToDouble(Double::doubleValue).sum();
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT,
                "Start (%s): first output after %.0f ms = %.2fx the floor's %.0f ms, %.0f ms above it. Biggest segments: ",
                form.name().toLowerCase(Locale.ROOT), firstOutput, firstOutput / floor, floor, firstOutput - floor));
        split.entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue(Comparator.reverseOrder())).limit(3)
                .forEach(e -> b.append(String.format(Locale.ROOT, "%s %.0f ms (%.0f%%); ", e.getKey(), e.getValue(),
                        100 * e.getValue() / total)));
        return b.toString().replaceAll("; $", ".");
    }
}
