package dev.jkata.bench.campaign;

import dev.jkata.api.ContainerSpec;
import dev.jkata.api.KataException;
import dev.jkata.api.MemorySize;
import dev.jkata.api.PublishedPort;
import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxBuilder;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * Bad input through the whole path: each builder setting given nonsense — null, out of range, a file that is not
 * what it claims to be, a registry that does not answer — then {@code start()} on the real provider. Each must fail
 * with a typed error whose message names the setting, and leave nothing: no QEMU, no state directory, no thread.
 */
final class BadInputTrial {
    private BadInputTrial() {}

    static void run(Path work, Findings f) throws Exception {
        Path root = Files.createDirectories(work.resolve("bad-input"));
        Path garbage = Files.write(work.resolve("garbage.bin"), new byte[64 * 1024]);
        Path notADir = Files.writeString(work.resolve("not-a-dir.txt"), "a file\n");
        Map<String, UnaryOperator<SandboxBuilder>> bad = new LinkedHashMap<>();
        bad.put("kernel", b -> b.kernel(garbage));
        bad.put("kernel ", b -> b.kernel(work.resolve("no-such-vmlinuz")));
        bad.put("kernel  ", b -> b.kernel(null));
        bad.put("image", b -> b.guestImage(garbage));
        bad.put("image ", b -> b.guestImage(null));
        bad.put("image  ", b -> b.image("NOT A REFERENCE::"));
        bad.put("image   ", b -> b.image("127.0.0.1:1/nothing/here:1"));
        bad.put("memory", b -> b.memory(MemorySize.ofBytes(1)));
        bad.put("memory ", b -> b.memory(MemorySize.ofGiB(1L << 20)));
        bad.put("memory  ", b -> b.memory(null));
        bad.put("cpus", b -> b.cpus(-3));
        bad.put("cpus ", b -> b.cpus(100_000));
        bad.put("share", b -> b.share(work.resolve("no-such-dir"), "/mnt/x", false));
        Path huge = work.resolve("huge.bin");
        try (java.io.RandomAccessFile r = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            r.setLength(17L << 20); // sparse: a file share is copied, so it is bounded
        }
        bad.put("share   ", b -> b.share(huge, "/etc/huge", true));
        bad.put("pool", b -> b.pool(-1));
        bad.put("pool ", b -> b.pool(1000));
        bad.put("pool  ", b -> b.pool(1).publish(dev.jkata.api.PublishedPort.parse("18099:80")));
        bad.put("containerRoots", b -> b.containerRoots(notADir));
        bad.put("share ", b -> b.share(work, "/mnt/a\nb", false));
        bad.put("share  ", b -> b.share(work, "", false));
        bad.put("env", b -> b.env("", "x"));
        bad.put("env ", b -> b.env("K\u0000", "x"));
        bad.put("bootTimeout", b -> b.bootTimeout(Duration.ofNanos(-1)));
        bad.put("bootTimeout ", b -> b.bootTimeout(null));
        bad.put("accelerator", b -> b.accelerator("quantum"));
        bad.put("container", b -> b.container(ContainerSpec.builder().workdir("no/slash").build()));
        bad.put("network", b -> b.network(null));
        bad.put("publish", b -> b.publish(0));
        bad.put("publish ", b -> b.publish(70_000));
        bad.put("publish  ", b -> b.publish((PublishedPort) null));
        bad.put("stateRoot", b -> b.stateRoot(notADir));
        bad.put("stateRoot ", b -> b.stateRoot(null));
        bad.put("provider", b -> b.provider(null));
        // twice over: what the first round starts once per JVM (thread pools, clients) is not a leak; growth in the
        // second round is
        int threadsAfterFirst = 0;
        java.util.Set<String> namesAfterFirst = java.util.Set.of();
        for (int round = 0; round < 2; round++) {
            tryAll(bad, root, f);
            if (round == 0) {
                threadsAfterFirst = threads();
                namesAfterFirst = threadNames();
            }
        }
        Thread.sleep(1_000);
        f.count("bad input: QEMU left", OwnerDeathTrial.qemusOf(root).size());
        try (Stream<Path> s = Files.list(root)) {
            f.count("bad input: state directories left", s.count());
        }
        int grown = Math.max(0, threads() - threadsAfterFirst - 1);
        f.count("bad input: threads left (growth over the second round)", grown);
        if (grown > 0) {
            java.util.Set<String> added = new java.util.TreeSet<>(threadNames());
            added.removeAll(namesAfterFirst);
            f.failure("bad input: threads that appeared in the second round: " + added);
        }
    }

    private static java.util.Set<String> threadNames() {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).collect(java.util.stream.Collectors.toSet());
    }

    private static void tryAll(Map<String, UnaryOperator<SandboxBuilder>> bad, Path root, Findings f) {
        for (Map.Entry<String, UnaryOperator<SandboxBuilder>> e : bad.entrySet()) {
            String field = e.getKey().trim();
            f.count("bad input: settings tried", 1);
            try {
                SandboxBuilder b = Sandbox.builder().stateRoot(root);
                try (Sandbox sb = e.getValue().apply(b).start()) {
                    f.count("bad input: nonsense accepted (failed)", 1);
                    f.failure("bad input: " + field + " (" + e.getKey().length() + ") was accepted: sandbox " + sb.id());
                }
            } catch (KataException typed) {
                String m = String.valueOf(typed.getMessage()).toLowerCase(Locale.ROOT);
                if (!m.contains(field.toLowerCase(Locale.ROOT))) {
                    f.count("bad input: errors not naming their setting (failed)", 1);
                    f.failure("bad input: " + field + ": " + FaultTrial.abbreviate(typed.getMessage()));
                }
            } catch (RuntimeException untyped) {
                f.count("bad input: untyped errors", 1);
                f.failure("bad input: " + field + ": untyped " + untyped);
            }
        }
    }

    private static int threads() throws InterruptedException {
        Thread.sleep(300);
        return ManagementFactory.getThreadMXBean().getThreadCount();
    }
}
