package dev.jkata.bench;

import dev.jkata.bench.Report.Row;
import dev.jkata.image.testing.RegistryServer;
import dev.jkata.image.testing.TestImage;
import dev.jkata.image.testing.TestLayer;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * kata-runtime under real engines (issue 15): {@code podman run --rm IMAGE true} and {@code ctr run --rm IMAGE true}
 * through kata-runtime, beside {@code kata run -- true} in the same run (the target: at most 1.3x it), beside
 * containerd with the host's runc (the no-VM floor) and beside one kata-runtime call ({@code --version}: the JVM
 * start every engine call pays). Each is warmed once (the first container of a configuration builds its template).
 */
final class OciBench {
    private static final String SECTION = "oci";
    private static final double TARGET_RATIO = 1.3;

    private final BenchContext ctx;
    private final Report report;
    private final int runs;

    OciBench(BenchContext ctx, Report report, int runs) {
        this.ctx = ctx;
        this.report = report;
        this.runs = runs;
    }

    void run() throws Exception {
        Path runtime = Path.of("bin", "kata-runtime").toAbsolutePath();
        Path kata = Path.of("bin", "kata").toAbsolutePath();
        report.add(Row.figure(SECTION, "kata-runtime --version (one CLI call: a JVM start)",
                median(List.of(runtime.toString(), "--version")), "ms", "median of " + runs));
        double kataRun = median(List.of(kata.toString(), "run", "--", "true"));
        report.add(Row.figure(SECTION, "kata run -- true", kataRun, "ms", "median of " + runs + ", after one warm-up"));
        try (RegistryServer registry = RegistryServer.plain()) {
            String image = pushBusybox(registry);
            Path home = Files.createTempDirectory("jkata-bench-oci");
            try {
                podman(home, runtime, image, kataRun);
                containerd(home, runtime, image, kataRun);
            } finally {
                exec(List.of("podman", "--root", home.resolve("storage").toString(), "--runroot", home.resolve("run").toString(),
                        "system", "reset", "--force"), 300);
                deleteTree(home);
            }
        }
    }

    private void podman(Path home, Path runtime, String image, double kataRun) throws Exception {
        List<String> podman = List.of("podman", "--root", home.resolve("storage").toString(), "--runroot",
                home.resolve("run").toString(), "--cgroup-manager", "cgroupfs", "--events-backend", "file");
        exec(concat(podman, "pull", "--tls-verify=false", image), 300);
        double viaKata = median(concat(podman, "--runtime", runtime.toString(), "run", "--rm", "--network", "none", image, "true"));
        report.add(Row.vsFloor(SECTION, "podman run --rm IMAGE true (kata-runtime)", viaKata, "ms", "kata run -- true", kataRun,
                Report.Target.ratioAtMost(TARGET_RATIO), "median of " + runs));
        report.add(Row.notMeasured(SECTION, "podman run --rm IMAGE true (host crun)",
                "crun cannot set podman's RLIMIT_NOFILE/RLIMIT_NPROC on this host (permission denied)"));
    }

    private void containerd(Path home, Path runtime, String image, double kataRun) throws Exception {
        Path dir = home.resolve("ctd");
        Files.createDirectories(dir);
        Path sock = dir.resolve("c.sock");
        Files.writeString(dir.resolve("config.toml"), "version = 2\nroot = \"" + dir.resolve("root") + "\"\nstate = \""
                + dir.resolve("state") + "\"\ndisabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n[grpc]\n  address = \""
                + sock + "\"\n");
        Process containerd = new ProcessBuilder("containerd", "--config", dir.resolve("config.toml").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("log").toFile()).start();
        try {
            awaitSocket(sock, containerd);
            List<String> ctr = List.of("ctr", "--address", sock.toString(), "--namespace", "jkata-bench");
            exec(concat(ctr, "image", "pull", "--plain-http", image), 300);
            int[] n = {0};
            double viaKata = median(() -> concat(ctr, "run", "--rm", "--runtime", "io.containerd.runc.v2", "--runc-binary",
                    runtime.toString(), image, "k" + n[0]++, "true"));
            double viaRunc = median(() -> concat(ctr, "run", "--rm", image, "r" + n[0]++, "true"));
            report.add(Row.vsFloor(SECTION, "ctr run --rm IMAGE true (kata-runtime)", viaKata, "ms", "kata run -- true", kataRun,
                    Report.Target.ratioAtMost(TARGET_RATIO), "median of " + runs));
            report.add(Row.vsFloor(SECTION, "ctr run --rm IMAGE true (kata-runtime) / host runc", viaKata, "ms",
                    "ctr run with runc", viaRunc, null, "the VM's whole cost over a plain container"));
        } finally {
            containerd.destroy();
            if (!containerd.waitFor(20, TimeUnit.SECONDS)) {
                containerd.destroyForcibly().waitFor();
            }
            deleteTree(Path.of("/run/containerd/runc/jkata-bench"));
        }
    }

    private double median(List<String> cmd) throws Exception {
        return median(() -> cmd);
    }

    /** Runs the command once to warm up, then {@code runs} times; the median wall time in ms. */
    private double median(java.util.function.Supplier<List<String>> cmd) throws Exception {
        exec(cmd.get(), 600);
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            long t0 = System.nanoTime();
            exec(cmd.get(), 600);
            ms.add((System.nanoTime() - t0) / 1e6);
        }
        System.out.println("[oci] " + String.join(" ", cmd.get()).replaceAll(" [rk][0-9]+ ", " ") + ": " + ms);
        return Stats.of(ms).median();
    }

    private static void exec(List<String> cmd, int seconds) throws IOException, InterruptedException {
        Path out = Files.createTempFile("jkata-bench-oci", ".log");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IllegalStateException(String.join(" ", cmd) + " ran longer than " + seconds + " s");
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "): "
                        + Files.readString(out));
            }
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static String pushBusybox(RegistryServer registry) throws IOException {
        TestLayer root = TestLayer.create().compression(TestLayer.Compression.GZIP)
                .dir("bin").file("bin/busybox", Files.readAllBytes(Path.of("/bin/busybox")), 0755, 0, 0)
                .symlink("bin/sh", "busybox").symlink("bin/true", "busybox").symlink("bin/sleep", "busybox")
                .dir("etc").dir("tmp").dir("proc").dir("sys").dir("dev");
        TestImage.create().layer(root).env("PATH=/bin").cmd("sh").push(registry, "bench/busybox", "1");
        return registry.host() + "/bench/busybox:1";
    }

    private static void awaitSocket(Path sock, Process owner) throws Exception {
        for (int i = 0; i < 300; i++) {
            try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                ch.connect(UnixDomainSocketAddress.of(sock));
                return;
            } catch (IOException e) {
                if (!owner.isAlive()) {
                    throw new IllegalStateException("containerd exited at start");
                }
                Thread.sleep(100);
            }
        }
        throw new IllegalStateException("containerd did not listen within 30 s");
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> all = new ArrayList<>(head);
        all.addAll(List.of(tail));
        return all;
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
