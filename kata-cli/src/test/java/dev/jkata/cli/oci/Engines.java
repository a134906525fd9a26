package dev.jkata.cli.oci;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.image.testing.RegistryServer;
import dev.jkata.image.testing.TestImage;
import dev.jkata.image.testing.TestLayer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/** What the engine tests share: kata-runtime's path, an image in a loopback registry, commands, and leak checks. */
final class Engines {
    static final Path RUNTIME = Path.of("..", "bin", "kata-runtime").toAbsolutePath().normalize();

    private Engines() {}

    /** A command's outcome. */
    record Result(int code, String out, String err) {
        Result ok() {
            assertThat(code).as("exit code; stdout: %s; stderr: %s", out, err).isZero();
            return this;
        }
    }

    /** Busybox with the names the tests use, pushed to {@code registry} as it/busybox:1; returns the reference. */
    static String pushBusybox(RegistryServer registry) throws IOException {
        TestImage.create().layer(busyboxLayer()).env("PATH=/bin").cmd("sh").push(registry, "it/busybox", "1");
        return registry.host() + "/it/busybox:1";
    }

    /**
     * A pod's pause image: busybox and a {@code /pause} that sleeps (podman runs an infra image's {@code /pause}),
     * pushed as it/pause:1; returns the reference.
     */
    static String pushPause(RegistryServer registry) throws IOException {
        TestLayer root = busyboxLayer().file("pause", "#!/bin/sh\nexec sleep 1000000\n", 0755);
        TestImage.create().layer(root).env("PATH=/bin").cmd("/pause").push(registry, "it/pause", "1");
        return registry.host() + "/it/pause:1";
    }

    private static TestLayer busyboxLayer() throws IOException {
        TestLayer root = TestLayer.create().compression(TestLayer.Compression.GZIP)
                .dir("bin").file("bin/busybox", Files.readAllBytes(Path.of("/bin/busybox")), 0755, 0, 0)
                .dir("etc").file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n").file("etc/group", "root:x:0:\n")
                .dir("tmp").dir("proc").dir("sys").dir("dev").dir("root");
        for (String applet : List.of("sh", "cat", "echo", "sleep", "true", "false", "id", "hostname", "sha256sum", "ls",
                "trap", "test", "tty", "stty", "env", "head", "httpd", "nc", "ip", "mkdir", "grep")) {
            root.symlink("bin/" + applet, "busybox");
        }
        return root;
    }

    /** An image with a shell, echo, cat and tr, and nothing else: no sleep, no coreutils. */
    static String pushShellOnly(RegistryServer registry) throws IOException {
        TestLayer root = TestLayer.create().compression(TestLayer.Compression.GZIP)
                .dir("bin").file("bin/busybox", Files.readAllBytes(Path.of("/bin/busybox")), 0755, 0, 0);
        for (String applet : List.of("sh", "cat", "echo", "tr")) {
            root.symlink("bin/" + applet, "busybox");
        }
        TestImage.create().layer(root).env("PATH=/bin").cmd("sh").push(registry, "it/shell-only", "1");
        return registry.host() + "/it/shell-only:1";
    }

    /** Runs a command with {@code input} as its standard input, up to {@code seconds}. */
    static Result run(List<String> cmd, byte[] input, int seconds) {
        try {
            Process p = new ProcessBuilder(cmd).start();
            Thread feed = new Thread(() -> {
                try (var in = p.getOutputStream()) {
                    in.write(input);
                } catch (IOException e) {
                    // the command did not read it all
                }
            });
            feed.start();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            Thread o = copy(p.getInputStream(), out);
            Thread e = copy(p.getErrorStream(), err);
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                throw new AssertionError(String.join(" ", cmd) + " did not finish within " + seconds + " s; stderr: " + err);
            }
            o.join(10_000);
            e.join(10_000);
            return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    static Result run(List<String> cmd, int seconds) {
        return run(cmd, new byte[0], seconds);
    }

    private static Thread copy(InputStream in, ByteArrayOutputStream to) {
        Thread t = new Thread(() -> {
            try {
                in.transferTo(to);
            } catch (IOException e) {
                // the process went away
            }
        });
        t.start();
        return t;
    }

    /** The pids of the QEMU and kata-runtime daemon processes now running. */
    static Set<Long> vmProcesses() {
        return ProcessHandle.allProcesses().filter(h -> h.info().command().map(c -> c.contains("qemu-system")).orElse(false)
                || dev.jkata.qemu.ProcessArguments.holds(h.pid(), SandboxDaemon.class.getName()))
                .map(ProcessHandle::pid).collect(Collectors.toSet());
    }

    /** The QEMU processes running now. */
    static long qemuCount() {
        return ProcessHandle.allProcesses().filter(h -> h.info().command().map(c -> c.contains("qemu-system")).orElse(false)).count();
    }

    /** Fails unless every QEMU and daemon started since {@code before} is gone within 10 s. */
    static void assertNoVmLeftBeyond(Set<Long> before) throws InterruptedException {
        List<Long> left = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            left.clear();
            vmProcesses().stream().filter(p -> !before.contains(p)).forEach(left::add);
            if (left.isEmpty()) {
                return;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("QEMU or daemon processes left: " + left.stream().map(p -> p + " "
                + ProcessHandle.of(p).flatMap(h -> h.info().commandLine()).orElse("?")).toList());
    }

    /** What {@code dir} holds now (nothing when it does not exist). */
    static Set<Path> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (var s = Files.list(dir)) {
            return s.collect(Collectors.toSet());
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var s = Files.walk(dir)) {
            for (Path p : s.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
    /** An HTTP GET from the host, retried while the guest's server comes up. */
    static String httpGet(String address, int port) throws Exception {
        java.io.IOException last = null;
        for (int i = 0; i < 150; i++) {
            try (java.net.Socket s = new java.net.Socket()) {
                s.connect(new java.net.InetSocketAddress(address, port), 5_000);
                s.setSoTimeout(20_000);
                s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                String got = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!got.isEmpty()) {
                    return got;
                }
            } catch (java.io.IOException e) {
                last = e;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("nothing answered on " + address + ":" + port, last);
    }

    /**
     * Starts containerd with {@code home}'s config.toml (whose grpc address is {@code home}/c.sock), logging to
     * {@code home}/containerd.log, and returns once its socket takes connections.
     */
    static Process startContainerd(Path home) throws Exception {
        Process containerd = new ProcessBuilder("containerd", "--config", home.resolve("config.toml").toString())
                .redirectErrorStream(true).redirectOutput(home.resolve("containerd.log").toFile()).start();
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (true) {
            try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(java.net.StandardProtocolFamily.UNIX)) {
                ch.connect(java.net.UnixDomainSocketAddress.of(home.resolve("c.sock")));
                return containerd;
            } catch (IOException e) {
                if (!containerd.isAlive() || System.nanoTime() > deadline) {
                    containerd.destroyForcibly();
                    throw new AssertionError("containerd did not start: " + Files.readString(home.resolve("containerd.log")));
                }
                Thread.sleep(100);
            }
        }
    }

    /**
     * Ends every task of a test's containerd (tasks outlive containerd: their shims are daemons), so that a failed
     * test leaves no VM; {@code ctr} makes a ctr command line for that containerd.
     */
    static void endTasks(java.util.function.Function<String[], List<String>> ctr) throws InterruptedException {
        for (String task : run(ctr.apply(new String[] {"task", "ls", "-q"}), 60).out().split("\\s+")) {
            if (!task.isBlank()) {
                run(ctr.apply(new String[] {"task", "kill", "--signal", "SIGKILL", task}), 60);
                Thread.sleep(2_000);
                run(ctr.apply(new String[] {"task", "rm", "--force", task}), 60);
            }
        }
    }
}
