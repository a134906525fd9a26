package dev.jkata.bench;

import dev.jkata.api.ExecResult;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.MemorySize;
import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxBuilder;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Issue 27's figures: the sandbox's own disk and the file API, each beside a floor measured in the same run.
 * <ul>
 *   <li>A 1 GiB sequential write into the container's root ({@code dd conv=fsync}) against the same dd into a file on
 *       the host's disk; 200 MiB on the disk against 200 MiB into a sandbox without one (the tmpfs in guest RAM, all
 *       that a 512 MiB guest holds).</li>
 *   <li>copyTo / copyFrom of a 256 MiB file and of a tree of small files against {@code tar c | tar x} between two
 *       host directories (target: at least 50% of the floor's throughput for the big file).</li>
 *   <li>The start of a sandbox with a disk against one without (clones of their templates, median of the runs).</li>
 * </ul>
 */
final class DiskBench {
    private static final String SECTION = "disk";
    private static final Report.Target COPY = Report.Target.ratioAtLeast(0.5);
    private static final Report.Target START = Report.Target.ratioAtMost(1.1);
    private static final int BIG_MIB = 256;
    private static final int TREE_FILES = 2000;

    private final BenchContext ctx;
    private final Report report;

    DiskBench(BenchContext ctx, Report report) {
        this.ctx = ctx;
        this.report = report;
    }

    void run() throws Exception {
        Path host = ctx.newDir("disk-host");
        double hostDd = hostDd(host.resolve("dd.img"), 1024);
        double hostSmallDd = hostDd(host.resolve("dd2.img"), 200);
        try (Sandbox sb = builder().start()) {
            double disk = guestDd(sb, 1024);
            report.add(Report.Row.vsFloor(SECTION, "1 GiB write into the container's root (disk)", disk, "MiB/s",
                    "dd on the host", hostDd, null, "dd bs=1M conv=fsync; the guest's flushes stop at QEMU (cache.no-flush)"));
            double disk200 = guestDd(sb, 200);
            copies(sb, host);
            try (Sandbox ram = builder().noDisk().start()) {
                double tmpfs = guestDd(ram, 200);
                report.add(Report.Row.vsFloor(SECTION, "200 MiB write, disk against guest RAM (tmpfs)", disk200, "MiB/s",
                        "tmpfs in the guest", tmpfs, null, "the tmpfs of a 512M guest holds 228M; the host's dd: "
                                + Report.fmt(hostSmallDd) + " MiB/s"));
            }
        }
        starts();
    }

    private SandboxBuilder builder() throws IOException {
        return Sandbox.builder().memory(BenchContext.MEMORY).stateRoot(ctx.newDir("disk-state"));
    }

    private void copies(Sandbox sb, Path host) throws Exception {
        Path big = host.resolve("big/big.bin");
        Files.createDirectories(big.getParent());
        byte[] block = new byte[1 << 20];
        new java.util.Random(7).nextBytes(block);
        try (OutputStream out = Files.newOutputStream(big)) {
            for (int i = 0; i < BIG_MIB; i++) {
                out.write(block);
            }
        }
        double tarBig = tar(big.getParent(), ctx.newDir("tar-big"), BIG_MIB);
        long t = System.nanoTime();
        sb.files().copyTo(big, "/big.bin");
        double in = mibPerSecond(BIG_MIB, System.nanoTime() - t);
        t = System.nanoTime();
        sb.files().copyFrom("/big.bin", ctx.newDir("back").resolve("big.bin"));
        double out = mibPerSecond(BIG_MIB, System.nanoTime() - t);
        report.add(Report.Row.vsFloor(SECTION, "copyTo, one " + BIG_MIB + " MiB file", in, "MiB/s", "tar | tar on the host",
                tarBig, COPY, "random bytes"));
        report.add(Report.Row.vsFloor(SECTION, "copyFrom, one " + BIG_MIB + " MiB file", out, "MiB/s", "tar | tar on the host",
                tarBig, COPY, "random bytes"));

        Path tree = host.resolve("tree");
        for (int i = 0; i < TREE_FILES; i++) {
            Path f = tree.resolve("d" + (i / 100)).resolve("f" + i + ".txt");
            Files.createDirectories(f.getParent());
            Files.writeString(f, "file " + i + "\n".repeat(1 + i % 64));
        }
        double tarTree = filesPerSecond(TREE_FILES, timedTar(tree, ctx.newDir("tar-tree")));
        t = System.nanoTime();
        sb.files().copyTo(tree, "/tree");
        double treeIn = filesPerSecond(TREE_FILES, System.nanoTime() - t);
        t = System.nanoTime();
        sb.files().copyFrom("/tree", ctx.newDir("tree-back"));
        double treeOut = filesPerSecond(TREE_FILES, System.nanoTime() - t);
        report.add(Report.Row.vsFloor(SECTION, "copyTo, a tree of " + TREE_FILES + " small files", treeIn, "files/s",
                "tar | tar on the host", tarTree, null, "one stream per file and directory"));
        report.add(Report.Row.vsFloor(SECTION, "copyFrom, a tree of " + TREE_FILES + " small files", treeOut, "files/s",
                "tar | tar on the host", tarTree, null, "a LIST per directory, a READ per file"));
    }

    private void starts() throws Exception {
        int runs = 3;
        List<Double> with = new ArrayList<>();
        List<Double> without = new ArrayList<>();
        // one throwaway start of each first: it builds that configuration's VM template
        try (Sandbox warm = builder().start(); Sandbox warm2 = builder().noDisk().start()) {
            System.out.printf("[disk] templates ready (%s, %s)%n", warm.id(), warm2.id());
        }
        for (int i = 0; i < runs; i++) {
            with.add(startMillis(builder()));
            without.add(startMillis(builder().noDisk()));
        }
        report.add(Report.Row.vsFloor(SECTION, "start with an 8G disk (clone)", Stats.of(with).median(), "ms",
                "the same without a disk", Stats.of(without).median(), START, "median of " + runs + " clone starts each"));
    }

    private static double startMillis(SandboxBuilder b) {
        long t = System.nanoTime();
        try (Sandbox sb = b.start()) {
            return (System.nanoTime() - t) / 1e6;
        }
    }

    private static double guestDd(Sandbox sb, int mib) throws Exception {
        ExecResult r = sb.run(ExecSpec.builder("sh", "-c", "rm -f /dd.img; sync; s=$(cat /proc/uptime);"
                + " dd if=/dev/zero of=/dd.img bs=1M count=" + mib + " conv=fsync 2>/dev/null && e=$(cat /proc/uptime);"
                + " echo \"$s $e\"; rm -f /dd.img").timeout(Duration.ofMinutes(10)).build());
        String[] f = r.stdout().strip().split("\\s+");
        if (!r.success() || f.length < 4) {
            throw new IOException("dd in the guest failed: " + r.exitStatus() + " " + r.stderr());
        }
        double secs = Double.parseDouble(f[2]) - Double.parseDouble(f[0]);
        return mib / Math.max(secs, 0.01);
    }

    private static double hostDd(Path file, int mib) throws Exception {
        long t = System.nanoTime();
        Process p = new ProcessBuilder("dd", "if=/dev/zero", "of=" + file, "bs=1M", "count=" + mib, "conv=fsync")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IOException("dd on the host failed");
        }
        double r = mibPerSecond(mib, System.nanoTime() - t);
        Files.delete(file);
        return r;
    }

    private static double tar(Path from, Path to, int mib) throws Exception {
        return mibPerSecond(mib, timedTar(from, to));
    }

    private static long timedTar(Path from, Path to) throws Exception {
        long t = System.nanoTime();
        Process p = new ProcessBuilder("sh", "-c", "tar cf - -C \"$1\" . | tar xf - -C \"$2\"", "tar", from.toString(),
                to.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (p.waitFor() != 0) {
            throw new IOException("tar | tar failed");
        }
        return System.nanoTime() - t;
    }

    private static double mibPerSecond(double mib, long nanos) {
        return mib / (nanos / 1e9);
    }

    private static double filesPerSecond(int files, long nanos) {
        return files / (nanos / 1e9);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "DiskBench[%d MiB, %d files]", BIG_MIB, TREE_FILES);
    }
}
