package dev.jkata.bench;

import dev.jkata.core.sandbox.Diagnostics;
import dev.jkata.api.ExecResult;
import dev.jkata.bench.Report.Row;
import dev.jkata.bench.Report.Target;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * 2. Exec round trip: {@code run("true")} in a running container, p50 and p99 over N. Floors:
 * <ul>
 *   <li>(a) {@code crun exec <cid> /bin/true} timed by a shell loop in the guest's root namespace, which only a
 *       guest without our agent can give us (there is no debug console yet): the serial floor VM, same image
 *       and crun. Its figure is the loop's mean. Beside it, for reading the gap, {@code /bin/true} spawned by a
 *       shell loop in the guest's root namespace and inside the sandbox's container;</li>
 *   <li>(b) a ping-pong over the virtio-serial port: a one-byte echo by {@code dd bs=1} in the floor VM, and a
 *       yamux ping to the sandbox's agent (through the agent client, see {@link TimedSandbox#agent()}). A gRPC
 *       health check through the same client gives the cost of one RPC, which an exec pays several times.</li>
 * </ul>
 * The floors are measured first, in the floor VM alone; then the sandbox's figures, in the sandbox alone.
 */
final class ExecBench {
    static final Target EXEC_P50 = Target.ratioAtMost(1.5);
    private static final String SECTION = "exec";
    private static final int WARMUP = 3;

    private final BenchContext ctx;
    private final Report report;
    private Double crun;
    private Double echoP50;
    private String floorReason;

    ExecBench(BenchContext ctx, Report report) {
        this.ctx = ctx;
        this.report = report;
    }

    void floor(Attempt<SerialFloor> floor) throws Exception {
        int n = ctx.options.execs();
        if (!floor.ok()) {
            floorReason = floor.reason();
            report.add(Row.notMeasured(SECTION, "floor (a): crun exec /bin/true in guest", floor.reason()));
            report.add(Row.notMeasured(SECTION, "floor (b): raw port 1-byte echo p50", floor.reason()));
            return;
        }
        SerialFloor f = floor.value();
        Attempt<Double> c = Attempt.of(() -> f.crunExec(n));
        crun = c.value();
        floorReason = c.reason();
        report.add(c.ok() ? Row.figure(SECTION, "floor (a): crun exec /bin/true in guest", crun, "ms",
                "mean of a " + n + "-exec shell loop in the guest's root namespace (floor VM: the same image and crun, no agent)")
                : Row.notMeasured(SECTION, "floor (a): crun exec /bin/true in guest", c.reason()));
        report.add(Row.figure(SECTION, "floor: /bin/true spawn, guest root ns", f.spawn(n), "ms", "mean of " + n));
        Stats echo = Stats.of(f.pingPong(Math.max(n, 100)));
        echoP50 = echo.p50() / 1000;
        report.add(Row.figure(SECTION, "floor (b): raw port 1-byte echo p50", echoP50, "ms",
                "host -> virtio-serial -> dd bs=1 in the floor VM -> host, " + echo.count() + " round trips"));
        report.add(Row.figure(SECTION, "floor (b): raw port 1-byte echo p99", echo.p99() / 1000, "ms", null));
    }

    void sandbox(Attempt<TimedSandbox> sandbox) throws Exception {
        int n = ctx.options.execs();
        if (!sandbox.ok()) {
            report.add(Row.notMeasured(SECTION, "run(\"true\") p50", sandbox.reason()));
            report.add(Row.notMeasured(SECTION, "yamux ping to the agent p50", sandbox.reason()));
            return;
        }
        TimedSandbox sb = sandbox.value();
        for (int i = 0; i < WARMUP; i++) {
            sb.sandbox.run("true");
        }
        List<Double> rtt = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long t = System.nanoTime();
            ExecResult r = sb.sandbox.run("true");
            rtt.add(TimedSandbox.ms(System.nanoTime() - t));
            if (!r.success()) {
                throw new IllegalStateException("'true' in the container exited with " + r.exitStatus());
            }
        }
        Stats exec = Stats.of(rtt);
        System.out.printf("[exec] run(\"true\"): %s ms%n", exec);
        String note = "over " + n + " after " + WARMUP + " warm-up runs, in a sandbox of the default (initrd) form";
        if (crun != null) {
            report.add(Row.vsFloor(SECTION, "run(\"true\") p50", exec.p50(), "ms", "crun exec", crun, EXEC_P50, note));
            report.add(Row.vsFloor(SECTION, "run(\"true\") p99", exec.p99(), "ms", "crun exec", crun, null, null));
        } else {
            report.add(Row.figure(SECTION, "run(\"true\") p50", exec.p50(), "ms", note + "; no crun floor: " + floorReason));
            report.add(Row.figure(SECTION, "run(\"true\") p99", exec.p99(), "ms", null));
        }
        if (echoP50 != null) {
            report.add(Row.vsFloor(SECTION, "run(\"true\") p50 vs raw port echo", exec.p50(), "ms", "port echo", echoP50, null, null));
        }
        double spawn = containerSpawn(sb, n);
        report.add(Row.figure(SECTION, "/bin/true spawn inside the container", spawn, "ms",
                "mean of a " + n + "-spawn shell loop run by one exec"));

        int count = Math.max(n, 100);
        Stats ping = Stats.of(timed(count, () -> Diagnostics.yamuxPing(sb.sandbox, Duration.ofSeconds(10))));
        if (echoP50 != null) {
            report.add(Row.vsFloor(SECTION, "yamux ping to the agent p50", ping.p50(), "ms", "port echo", echoP50,
                    null, count + " pings over the sandbox's yamux session"));
        } else {
            report.add(Row.figure(SECTION, "yamux ping to the agent p50", ping.p50(), "ms", null));
        }
        report.add(Row.figure(SECTION, "yamux ping to the agent p99", ping.p99(), "ms", null));
        report.add(Row.vsFloor(SECTION, "run(\"true\") p50 vs yamux ping", exec.p50(), "ms", "yamux ping", ping.p50(), null, null));
        Stats rpc = Stats.of(timed(count, () -> Diagnostics.agentRoundTrip(sb.sandbox, Duration.ofSeconds(10))));
        report.add(Row.vsFloor(SECTION, "gRPC unary round trip (Health.Check) p50", rpc.p50(), "ms", "yamux ping", ping.p50(),
                null, count + " health checks through the sandbox's agent client: the cost of one RPC"));
        if (crun != null) {
            report.note(String.format(Locale.ROOT, "Exec: run(\"true\") p50 %.0f ms against crun exec's %.0f ms in the guest:"
                            + " %.0f ms of ours on top. One gRPC round trip costs %.1f ms (yamux ping %.2f ms, raw port echo %s ms);"
                            + " a run() makes several (ExecProcess, CloseStdin, ReadStdout, ReadStderr, WaitProcess), and the agent"
                            + " spawns crun from the JVM, where /bin/true spawned by a shell costs %.1f ms in the container.",
                    exec.p50(), crun, exec.p50() - crun, rpc.p50(), ping.p50(), echoP50 == null ? "?" : Report.fmt(echoP50), spawn));
        }
    }

    private interface Call {
        void run() throws Exception;
    }

    /** {@code count} timed calls after {@link #WARMUP} untimed ones; each in ms. */
    private static List<Double> timed(int count, Call call) throws Exception {
        List<Double> out = new ArrayList<>();
        for (int i = 0; i < WARMUP + count; i++) {
            long t = System.nanoTime();
            call.run();
            if (i >= WARMUP) {
                out.add(TimedSandbox.ms(System.nanoTime() - t));
            }
        }
        return out;
    }

    /** One exec of a shell loop that spawns {@code /bin/true} n times in the container; ms per spawn. */
    private static double containerSpawn(TimedSandbox sb, int n) throws InterruptedException {
        String script = "ms() { awk '{ printf \"%d\\n\", $1 * 1000 }' /proc/uptime; }; s=$(ms); i=0; "
                + "while [ $i -lt " + n + " ]; do /bin/true; i=$((i + 1)); done; e=$(ms); echo $((e - s))";
        ExecResult r = sb.sandbox.run("sh", "-c", script);
        if (!r.success()) {
            throw new IllegalStateException("the spawn loop failed: " + r.stderr());
        }
        return Double.parseDouble(r.stdout().trim()) / n;
    }
}
