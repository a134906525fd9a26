package dev.jkata.bench;

import dev.jkata.api.ExecResult;
import dev.jkata.guestimage.GuestImage;
import dev.jkata.guestimage.ImageForm;
import dev.jkata.bench.Report.Row;
import dev.jkata.bench.Report.Target;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * 4. Memory: the host PSS of QEMU per idle sandbox (from {@code /proc/PID/smaps_rollup}) with 1, 4 (and on
 * request 16) sandboxes alive at once; the agent's RSS inside the guest, from its console line; the image sizes.
 * PSS divides each shared page among the processes that map it, so the nvdimm form's image pages, mapped from
 * the host file by every sandbox, count once in total.
 */
final class MemoryBench {
    static final Target PSS_AT_4 = Target.valueAtMost(160, "MiB");
    /** How long the sandboxes idle before they are measured. */
    private static final long SETTLE_MS = 3000;
    private static final Pattern MAPPING = Pattern.compile("^([0-9a-f]+)-([0-9a-f]+) (\\S+) \\S+ \\S+ \\S+(.*)$");
    private static final Pattern RSS = Pattern.compile("(?i)rss\\D{0,8}(\\d+(?:\\.\\d+)?)\\s*(kib|kb|mib|mb|gib|gb)");

    private final BenchContext ctx;
    private final Report report;
    /** What the guest said of its own memory (measured with one sandbox), for the closing note. */
    private String guestUse;

    MemoryBench(BenchContext ctx, Report report) {
        this.ctx = ctx;
        this.report = report;
    }

    void measure(Fleet fleet) throws IOException, InterruptedException {
        String section = "memory/" + fleet.form.name().toLowerCase(Locale.ROOT);
        int n = fleet.sandboxes.size();
        Thread.sleep(SETTLE_MS);
        List<Double> pss = new ArrayList<>();
        List<Double> rss = new ArrayList<>();
        Map<String, List<Double>> parts = new LinkedHashMap<>();
        for (TimedSandbox sb : fleet.sandboxes) {
            Path proc = Path.of("/proc", Long.toString(sb.qemuPid()));
            String rollup = Files.readString(proc.resolve("smaps_rollup"));
            pss.add(kib(rollup, "Pss") / 1024);
            rss.add(kib(rollup, "Rss") / 1024);
            breakdown(Files.readString(proc.resolve("smaps"))).forEach((k, v) -> parts.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
        }
        double mean = Stats.of(pss).mean();
        String name = "QEMU PSS per idle sandbox, " + n + " alive";
        String note = String.format(Locale.ROOT, "mean of %d; RSS %.0f MiB each; %s guests%s", n, Stats.of(rss).mean(),
                BenchContext.MEMORY, fleet.parallel < n ? "; started " + fleet.parallel + " at a time" : "");
        report.add(n == 4 ? Row.withTarget(section, name, mean, "MiB", PSS_AT_4, note) : Row.figure(section, name, mean, "MiB", note));
        StringBuilder where = new StringBuilder();
        parts.forEach((k, v) -> {
            double m = Stats.of(v).mean();
            report.add(Row.figure(section, "  of which " + k, m, "MiB", null));
            where.append(String.format(Locale.ROOT, "%s %.0f MiB, ", k, m));
        });
        if (n == 4) {
            report.note(String.format(Locale.ROOT, "Memory (%s, 4 idle sandboxes): PSS %.0f MiB per sandbox = %s%s",
                    fleet.form.name().toLowerCase(Locale.ROOT), mean, where.toString().replaceAll(", $", "."),
                    guestUse == null ? "" : " " + guestUse));
        }
        if (n == 1) {
            guestMemory(section, fleet.sandboxes.get(0));
            afterTransient(section, fleet.sandboxes.get(0), pss.get(0));
            Optional<Double> agent = agentRss(fleet.sandboxes.get(0));
            report.add(agent.map(a -> Row.figure(section, "agent RSS in the guest", a, "MiB", "VmRSS the agent prints when it is ready (KATA_AGENT: ready ...), before any container"))
                    .orElseGet(() -> Row.notMeasured(section, "agent RSS in the guest",
                            "the agent printed no RSS on its console (KATA_AGENT: ... RSS N MiB)")));
        }
    }

    /**
     * Where the guest's RAM goes, from the guest kernel's /proc/meminfo (a container sees the whole guest's): used,
     * of which page cache (the nvdimm image's pages read without DAX, the initrd form's root file system) and anonymous
     * memory (the agent's JVM above all).
     */
    private void guestMemory(String section, TimedSandbox sb) throws InterruptedException {
        ExecResult r = sb.sandbox.run("cat", "/proc/meminfo");
        if (!r.success()) {
            report.add(Row.notMeasured(section, "guest: memory in use", "cat /proc/meminfo failed: " + r.stderr().strip()));
            return;
        }
        String m = r.stdout();
        double used = kib(m, "MemTotal") - kib(m, "MemFree");
        guestUse = String.format(Locale.ROOT, "The guest itself uses %.0f MiB (page cache %.0f, anonymous %.0f): guest RAM"
                        + " resident in QEMU beyond that is what the kernel reserves and boot touched; RAM the guest frees later"
                        + " goes back to the host (virtio-balloon free page reporting, 2 MiB blocks); the TCG translation cache is"
                        + " QEMU's (tb-size), absent under KVM.", used / 1024, kib(m, "Cached") / 1024, kib(m, "AnonPages") / 1024);
        report.add(Row.figure(section, "guest: memory in use (MemTotal - MemFree)", used / 1024, "MiB", "the guest kernel's /proc/meminfo"));
        report.add(Row.figure(section, "  of which page cache (Cached)", kib(m, "Cached") / 1024, "MiB", null));
        report.add(Row.figure(section, "  of which anonymous (AnonPages)", kib(m, "AnonPages") / 1024, "MiB", null));
    }

    /**
     * The guest writes 200 MiB to a tmpfs file and deletes it: without free page reporting that RAM would stay
     * resident in QEMU; with it the guest hands it back within seconds.
     */
    private void afterTransient(String section, TimedSandbox sb, double idlePss) throws IOException, InterruptedException {
        String name = "QEMU PSS after a 200 MiB transient in the guest";
        ExecResult r = sb.sandbox.run("sh", "-c", "dd if=/dev/zero of=/tmp/transient bs=1M count=200 2>/dev/null; rm /tmp/transient");
        if (!r.success()) {
            report.add(Row.notMeasured(section, name, "the guest could not write and delete the file: " + r.stderr().strip()));
            return;
        }
        Thread.sleep(SETTLE_MS);
        double after = kib(Files.readString(Path.of("/proc", Long.toString(sb.qemuPid()), "smaps_rollup")), "Pss") / 1024;
        report.add(Row.figure(section, name, after, "MiB", String.format(Locale.ROOT,
                "idle before: %.0f MiB; written to tmpfs and deleted, measured %d s later (virtio-balloon free page reporting)",
                idlePss, SETTLE_MS / 1000)));
    }

    void skipped(ImageForm form, int count, String reason) {
        report.add(Row.notMeasured("memory/" + form.name().toLowerCase(Locale.ROOT),
                "QEMU PSS per idle sandbox, " + count + " alive", reason));
    }

    /** The image sizes of every form this run built. */
    void imageSizes(List<ImageForm> forms) {
        for (ImageForm form : forms) {
            GuestImage img = ctx.image(form);
            String section = "image/" + form.name().toLowerCase(Locale.ROOT);
            report.add(Row.figure(section, form == ImageForm.NVDIMM ? "boot-stage initrd" : "initrd", mib(img.initrdBytes()), "MiB", null));
            if (form == ImageForm.NVDIMM) {
                report.add(Row.figure(section, "rootfs image (ext4, mapped read-only)", mib(img.rootfsBytes()), "MiB", null));
            }
            report.add(Row.figure(section, "jlink Java runtime (inside the image)", mib(img.runtimeBytes()), "MiB", null));
        }
    }

    /**
     * PSS by kind of mapping, in MiB: the guest's RAM (the anonymous mapping of the guest's memory size), TCG's
     * translation cache (anonymous and executable), the nvdimm image (file-backed, shared by every sandbox), and
     * the rest (QEMU's binary, libraries and heap).
     */
    static Map<String, Double> breakdown(String smaps) {
        Map<String, Double> out = new LinkedHashMap<>();
        long guestBytes = BenchContext.MEMORY.toBytes();
        String kind = "other (QEMU binary, libraries, heap)";
        for (String line : smaps.split("\n")) {
            Matcher head = MAPPING.matcher(line);
            if (head.matches()) {
                long size = Long.parseUnsignedLong(head.group(2), 16) - Long.parseUnsignedLong(head.group(1), 16);
                String perms = head.group(3);
                String path = head.group(4).trim();
                kind = path.isEmpty() && perms.startsWith("rw") && size == guestBytes ? "guest RAM"
                        : path.isEmpty() && perms.startsWith("rwx") ? "TCG translation cache"
                        : path.endsWith("rootfs.img") ? "nvdimm rootfs image (shared)"
                        : "other (QEMU binary, libraries, heap)";
            } else if (line.startsWith("Pss:")) {
                out.merge(kind, Double.parseDouble(line.replaceAll("\\D+", "")) / 1024, Double::sum);
            }
        }
        return out;
    }

    private static double kib(String smaps, String field) {
        Matcher m = Pattern.compile("(?m)^" + field + ":\\s+(\\d+) kB").matcher(smaps);
        if (!m.find()) {
            throw new IllegalStateException("no " + field + " in smaps_rollup");
        }
        return Double.parseDouble(m.group(1));
    }

    /** The RSS the agent reports on its console, in MiB. */
    static Optional<Double> agentRss(TimedSandbox sb) {
        return sb.agentReadyLine().filter(l -> RSS.matcher(l.text()).find()).map(l -> {
            Matcher m = RSS.matcher(l.text());
            m.find();
            double v = Double.parseDouble(m.group(1));
            String unit = m.group(2).toLowerCase(Locale.ROOT);
            return unit.startsWith("k") ? v / 1024 : unit.startsWith("g") ? v * 1024 : v;
        });
    }

    private static double mib(long bytes) {
        return bytes / (double) (1 << 20);
    }
}
