package dev.jkata.bench;

import dev.jkata.api.ExecResult;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.Sandbox;
import dev.jkata.bench.Report.Row;
import java.net.URI;
import java.util.Locale;

/**
 * Networking (issue 14): a small HTTP GET through a published port (requests per second with 8 at a time, p50 and
 * p99 latency) and a 64 MiB download through it, beside the same inside the guest over its own loopback (busybox
 * wget against busybox httpd) and beside the raw virtio-serial floor (the bare port in the floor VM, the stdio
 * bench's figure), which bounds what a forwarding port can carry.
 */
final class NetworkBench {
    private static final String SECTION = "network";
    private static final int PORT = 80;
    private static final int BIG_MIB = 64;

    private final BenchContext ctx;
    private final Report report;

    NetworkBench(BenchContext ctx, Report report) {
        this.ctx = ctx;
        this.report = report;
    }

    void run() throws Exception {
        Double floor = null;
        String floorReason = "";
        System.out.println("[network] booting the serial floor VM");
        try (SerialFloor f = SerialFloor.boot(ctx)) {
            floor = f.out((long) BIG_MIB << 20);
        } catch (Exception e) {
            floorReason = e.getMessage();
        }
        System.out.println("[network] starting a sandbox with port " + PORT + " published");
        try (Sandbox sb = Sandbox.builder().publish(PORT).stateRoot(ctx.newDir("n")).start()) {
            ExecResult setup = sb.run("sh", "-c", "mkdir -p /tmp/www && echo 'a small page' > /tmp/www/index.html"
                    + " && dd if=/dev/zero of=/tmp/www/big bs=1M count=" + BIG_MIB + " 2>/dev/null && httpd -p " + PORT
                    + " -h /tmp/www && for i in $(seq 100); do wget -q -O /dev/null http://127.0.0.1:" + PORT
                    + "/ && exit 0; sleep 0.1; done; exit 1");
            if (setup.exitCode() != 0) {
                throw new IllegalStateException("httpd did not start in the guest: " + setup.stderr());
            }
            int hostPort = sb.hostPort(PORT);
            int requests = Math.max(80, 40 * ctx.options.runs());
            HttpLoad.Result load = HttpLoad.run(URI.create("http://127.0.0.1:" + hostPort + "/"),
                    URI.create("http://127.0.0.1:" + hostPort + "/big"), (long) BIG_MIB << 20, requests);
            double seconds = load.seconds();
            Stats lat = load.latency();
            double hostRate = load.downloadMiBps();

            // the same inside the guest, over its own loopback; an exec's own cost is measured and taken off
            double execMs = timed(sb, "true");
            int inGuest = 40;
            double guestLoopMs = timed(sb, "for i in $(seq " + inGuest + "); do wget -q -O /dev/null http://127.0.0.1:"
                    + PORT + "/; done") - execMs;
            double guestBigMs = timed(sb, "wget -q -O /dev/null http://127.0.0.1:" + PORT + "/big") - execMs;
            double guestRate = BIG_MIB / (guestBigMs / 1000);

            System.out.printf(Locale.ROOT, "[network] %d GETs in %.1f s: %.1f/s, p50 %.1f ms, p99 %.1f ms; 64 MiB at %.1f MiB/s;"
                    + " in the guest %.1f ms a GET, %.1f MiB/s%n", requests, seconds, requests / seconds, lat.p50(), lat.p99(),
                    hostRate, guestLoopMs / inGuest, guestRate);
            report.add(Row.figure(SECTION, "published port: small GETs, 8 at a time", requests / seconds, "req/s",
                    requests + " requests of a 13-byte page from busybox httpd, a new connection each"));
            report.add(Row.vsFloor(SECTION, "published port: GET latency p50", lat.p50(), "ms", "in-guest loopback",
                    guestLoopMs / inGuest, null, "p99 " + Report.fmt(lat.p99()) + " ms; the floor is one busybox wget after"
                            + " another inside the guest, each a new process"));
            report.add(Row.vsFloor(SECTION, "published port: GET latency p99", lat.p99(), "ms", "in-guest loopback",
                    guestLoopMs / inGuest, null, ""));
            if (floor != null) {
                report.add(Row.vsFloor(SECTION, "published port: 64 MiB download", hostRate, "MiB/s", "raw port", floor, null,
                        "in the guest over its own loopback: " + Report.fmt(guestRate) + " MiB/s"));
            } else {
                report.add(Row.figure(SECTION, "published port: 64 MiB download", hostRate, "MiB/s",
                        "no raw-port floor: " + floorReason + "; in the guest over its own loopback: " + Report.fmt(guestRate) + " MiB/s"));
            }
            report.add(Row.figure(SECTION, "in the guest: 64 MiB over its own loopback", guestRate, "MiB/s", "busybox wget from httpd"));
            report.note("Network: a published port's bytes travel host socket -> yamux stream on the forwarding port"
                    + " (virtio-serial) -> the agent's splice -> the guest's loopback; each connection costs a stream open"
                    + " and a CONNECT round trip to the guest's JVM, each byte two copies in each JVM.");
        }
    }

    private static double timed(Sandbox sb, String script) throws Exception {
        long t0 = System.nanoTime();
        ExecResult r = sb.run(ExecSpec.builder("sh", "-c", script).build());
        if (r.exitCode() != 0) {
            throw new IllegalStateException(script + " failed in the guest: " + r.stderr());
        }
        return (System.nanoTime() - t0) / 1e6;
    }
}
