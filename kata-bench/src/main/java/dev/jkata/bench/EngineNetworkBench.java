package dev.jkata.bench;

import dev.jkata.api.ExecResult;
import dev.jkata.api.Network;
import dev.jkata.api.Sandbox;
import dev.jkata.bench.Report.Row;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * The engine path of networking (issue 28): a network namespace made as a CNI bridge plugin makes one (a veth whose
 * other end is on the host), joined by a sandbox through a tc-mirrored tap, and loaded from the host at the
 * namespace's address, beside the same load against a process in that namespace with no VM (what a runc container on
 * the same bridge gets: the floor). Needs root, as joining does.
 */
final class EngineNetworkBench {
    private static final String SECTION = "network";
    private static final int BIG_MIB = 64;

    private final BenchContext ctx;
    private final Report report;

    EngineNetworkBench(BenchContext ctx, Report report) {
        this.ctx = ctx;
        this.report = report;
    }

    void run() throws Exception {
        if (!"root".equals(System.getProperty("user.name"))) {
            report.add(Row.notMeasured(SECTION, "joined namespace", "needs root (making a namespace and joining it)"));
            return;
        }
        String tag = Integer.toHexString(ThreadLocalRandom.current().nextInt(0x100, 0xfff));
        String ns = "jkbench-" + tag;
        String hostEnd = "jkb" + tag;
        String subnet = "10.217." + ThreadLocalRandom.current().nextInt(20, 220);
        String address = subnet + ".2";
        sh("ip netns add " + ns);
        try {
            sh("ip link add " + hostEnd + " type veth peer name eth0 netns " + ns + " && ip addr add " + subnet + ".1/24 dev "
                    + hostEnd + " && ip link set " + hostEnd + " up && ip -n " + ns + " link set lo up && ip -n " + ns
                    + " addr add " + address + "/24 dev eth0 && ip -n " + ns + " link set eth0 up && ip -n " + ns
                    + " route add default via " + subnet + ".1");
            int requests = Math.max(80, 40 * ctx.options.runs());
            URI small = URI.create("http://" + address + "/");
            URI big = URI.create("http://" + address + "/big");

            System.out.println("[network] the floor: busybox httpd in the namespace, no VM");
            Path www = ctx.newDir("www");
            Files.writeString(www.resolve("index.html"), "a small page\n");
            try (RandomAccessFile f = new RandomAccessFile(www.resolve("big").toFile(), "rw")) {
                f.setLength((long) BIG_MIB << 20);
            }
            Process httpd = new ProcessBuilder("ip", "netns", "exec", ns, "/bin/busybox", "httpd", "-f", "-p", "80", "-h",
                    www.toString()).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            HttpLoad.Result floor;
            try {
                awaitPort(address);
                floor = HttpLoad.run(small, big, (long) BIG_MIB << 20, requests);
            } finally {
                httpd.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }

            System.out.println("[network] a sandbox joining the namespace");
            HttpLoad.Result vm;
            try (Sandbox sb = Sandbox.builder().network(Network.namespace(Path.of("/run/netns", ns)))
                    .stateRoot(ctx.newDir("nn")).start()) {
                ExecResult setup = sb.run("sh", "-c", "mkdir -p /tmp/www && echo 'a small page' > /tmp/www/index.html"
                        + " && dd if=/dev/zero of=/tmp/www/big bs=1M count=" + BIG_MIB + " 2>/dev/null && httpd -p 80"
                        + " -h /tmp/www");
                if (setup.exitCode() != 0) {
                    throw new IllegalStateException("httpd did not start in the guest: " + setup.stderr());
                }
                awaitPort(address);
                vm = HttpLoad.run(small, big, (long) BIG_MIB << 20, requests);
            }
            System.out.printf(Locale.ROOT, "[network] joined namespace: %.1f req/s (floor %.1f), p50 %.1f ms (floor %.1f),"
                    + " 64 MiB at %.1f MiB/s (floor %.1f)%n", vm.rate(), floor.rate(), vm.latency().p50(),
                    floor.latency().p50(), vm.downloadMiBps(), floor.downloadMiBps());
            String floorName = "no VM, same namespace";
            report.add(Row.vsFloor(SECTION, "joined namespace: small GETs, 8 at a time", vm.rate(), "req/s", floorName,
                    floor.rate(), null, "host -> the namespace's address -> veth -> tc mirror -> tap -> virtio-net"));
            report.add(Row.vsFloor(SECTION, "joined namespace: GET latency p50", vm.latency().p50(), "ms", floorName,
                    floor.latency().p50(), null, "p99 " + Report.fmt(vm.latency().p99()) + " ms (floor "
                            + Report.fmt(floor.latency().p99()) + ")"));
            report.add(Row.vsFloor(SECTION, "joined namespace: 64 MiB download", vm.downloadMiBps(), "MiB/s", floorName,
                    floor.downloadMiBps(), null, "the floor's httpd reads a sparse file on the host; the guest's its tmpfs"));
        } finally {
            run("ip link del " + hostEnd);
            run("ip netns del " + ns);
        }
    }

    private static void awaitPort(String address) throws Exception {
        for (int i = 0; i < 300; i++) {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress(address, 80), 1_000);
                return;
            } catch (IOException e) {
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("nothing listens on " + address + ":80");
    }

    private static void sh(String command) throws Exception {
        if (run(command) != 0) {
            throw new IllegalStateException("'" + command + "' failed");
        }
    }

    private static int run(String command) throws Exception {
        Process p = new ProcessBuilder(List.of("sh", "-c", command)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return -1;
        }
        return p.exitValue();
    }

    @Override
    public String toString() {
        return "EngineNetworkBench[" + BIG_MIB + " MiB]";
    }
}
