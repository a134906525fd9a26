package dev.jkata.bench;

import dev.jkata.api.ExecProcess;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.ExitStatus;
import dev.jkata.bench.Report.Row;
import dev.jkata.bench.Report.Target;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * 3. Stdio throughput: N bytes from a container process to the host through {@code ExecProcess.stdout()}, and
 * from the host to a container process through {@code stdin()}. The generator and the sink are the floor's:
 * {@code dd if=/dev/zero bs=64k} out, {@code dd of=/dev/null bs=64k} in. Floor: the same commands on the bare virtio-serial
 * port in the floor VM. Each figure is timed from the request to the last byte (out) or to the process's end
 * (in), so a process's start is in it, as it is in the floor's. The floor is measured first, in the floor VM
 * alone; then the sandbox, alone.
 */
final class StdioBench {
    static final Target THROUGHPUT = Target.ratioAtLeast(0.5);
    private static final Duration DEADLINE = Duration.ofMinutes(10);
    private static final String SECTION = "stdio";

    private final BenchContext ctx;
    private final Report report;
    private Double floorOut;
    private Double floorIn;
    private String floorReason;

    StdioBench(BenchContext ctx, Report report) {
        this.ctx = ctx;
        this.report = report;
    }

    void floor(Attempt<SerialFloor> floor) throws Exception {
        if (!floor.ok()) {
            floorReason = floor.reason();
            return;
        }
        long bytes = ctx.options.stdioBytes();
        Attempt<Double> out = Attempt.of(() -> floor.value().out(bytes));
        Attempt<Double> in = Attempt.of(() -> floor.value().in(bytes));
        floorOut = out.value();
        floorIn = in.value();
        floorReason = out.ok() ? in.reason() : out.reason();
        System.out.printf("[stdio] floor: out %s MiB/s, in %s MiB/s%n", floorOut == null ? "-" : Report.fmt(floorOut),
                floorIn == null ? "-" : Report.fmt(floorIn));
    }

    void sandbox(Attempt<TimedSandbox> sandbox) throws Exception {
        long bytes = ctx.options.stdioBytes();
        String size = (bytes >> 20) + " MiB";
        if (!sandbox.ok()) {
            report.add(Row.notMeasured(SECTION, "guest -> host, ExecProcess.stdout", sandbox.reason()));
            report.add(Row.notMeasured(SECTION, "host -> guest, ExecProcess.stdin", sandbox.reason()));
            return;
        }
        double out = out(sandbox.value(), bytes);
        double in = in(sandbox.value(), bytes);
        System.out.printf("[stdio] sandbox: out %.1f MiB/s, in %.1f MiB/s%n", out, in);
        row("guest -> host, ExecProcess.stdout", out, floorOut, size + " from dd if=/dev/zero bs=64k");
        row("host -> guest, ExecProcess.stdin", in, floorIn, size + " into dd of=/dev/null bs=64k");
        report.note(String.format(Locale.ROOT, "Stdio: the shim asks for up to 1 MiB per ReadStdout and sends up to"
                        + " 1 MiB per WriteStdin. Raising that from 64 KiB left the rate about where it was (5-7 MiB/s out),"
                        + " so the limit is the per-byte cost of the path through the guest agent (a JVM under TCG copying"
                        + " through gRPC, HTTP/2 and yamux), not the number of round trips nor the port (%s / %s MiB/s).",
                floorOut == null ? "?" : Report.fmt(floorOut), floorIn == null ? "?" : Report.fmt(floorIn)));
    }


    private void row(String name, double value, Double floorValue, String note) {
        if (floorValue == null) {
            report.add(Row.figure(SECTION, name, value, "MiB/s", note + "; no floor: " + floorReason));
        } else {
            report.add(Row.vsFloor(SECTION, name, value, "MiB/s", "raw port", floorValue, THROUGHPUT, note));
        }
    }

    private static double out(TimedSandbox sb, long bytes) throws IOException, InterruptedException {
        long t = System.nanoTime();
        try (ExecProcess p = sb.sandbox.exec(ExecSpec.builder("sh", "-c",
                "dd if=/dev/zero bs=65536 count=" + bytes / 65536 + " 2>/dev/null").build())) {
            p.stdin().close();
            CompletableFuture<Long> err = drain(p.stderr());
            long got = count(p.stdout());
            long end = System.nanoTime();
            ExitStatus s = p.waitFor(DEADLINE);
            if (got != bytes || !s.success()) {
                throw new IOException("stdout gave " + got + " of " + bytes + " bytes, exit " + s + ", stderr bytes " + err.join());
            }
            return SerialFloor.mibPerSecond(bytes, end - t);
        }
    }

    private static double in(TimedSandbox sb, long bytes) throws IOException, InterruptedException {
        long t = System.nanoTime();
        try (ExecProcess p = sb.sandbox.exec(ExecSpec.builder("sh", "-c",
                "dd bs=65536 iflag=fullblock of=/dev/null 2>/dev/null").build())) {
            CompletableFuture<Long> out = drain(p.stdout());
            CompletableFuture<Long> err = drain(p.stderr());
            byte[] block = new byte[64 * 1024];
            OutputStream in = p.stdin();
            for (long sent = 0; sent < bytes; sent += block.length) {
                in.write(block, 0, (int) Math.min(block.length, bytes - sent));
            }
            in.close();
            ExitStatus s = p.waitFor(DEADLINE);
            long end = System.nanoTime();
            if (!s.success()) {
                throw new IOException("dd exited " + s + " (stdout " + out.join() + ", stderr " + err.join() + " bytes)");
            }
            return SerialFloor.mibPerSecond(bytes, end - t);
        }
    }

    private static CompletableFuture<Long> drain(InputStream in) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return count(in);
            } catch (IOException e) {
                return -1L;
            }
        });
    }

    private static long count(InputStream in) throws IOException {
        byte[] buf = new byte[256 * 1024];
        long n = 0;
        int r;
        while ((r = in.read(buf)) > 0) {
            n += r;
        }
        return n;
    }
}
