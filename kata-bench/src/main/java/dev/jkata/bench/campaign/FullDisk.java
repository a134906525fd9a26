package dev.jkata.bench.campaign;

import dev.jkata.api.Sandbox;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * The full-disk fault: a small tmpfs, filled, under the state directory and then under the cache
 * ({@code kata.cache.dir}). A start must fail with a typed error that says the disk is full, within its budget,
 * and leave no QEMU, no state directory and no abandoned cache build. Mounting needs root; without it the trial
 * fails, saying so.
 */
final class FullDisk {
    private static final Duration BUDGET = Duration.ofMinutes(2);

    private FullDisk() {}

    static void run(Path work, Findings f) throws Exception {
        Path mnt = Files.createDirectories(work.resolve("fault-full-disk"));
        String mounted = sh("mount", "-t", "tmpfs", "-o", "size=8m,mode=0700", "tmpfs", mnt.toString());
        if (mounted != null) {
            f.count("faults: full disk could not be set up (failed)", 1);
            f.failure("full disk: cannot mount a tmpfs at " + mnt + " (the trial needs root): " + mounted);
            return;
        }
        try {
            Path state = Files.createDirectories(mnt.resolve("state"));
            Path cache = Files.createDirectories(mnt.resolve("cache"));
            fill(mnt.resolve("filler"));
            Throwable why = FaultTrial.expectFailure(f, "full disk: a start with the state directory on it", BUDGET,
                    () -> startAndClose(Sandbox.builder().stateRoot(state)));
            saysFull(f, "state directory", why);
            leftIn(f, state, "full disk (state)");
            Path otherState = Files.createDirectories(work.resolve("fault-full-cache-state"));
            String was = System.getProperty("kata.cache.dir");
            System.setProperty("kata.cache.dir", cache.toString());
            try {
                why = FaultTrial.expectFailure(f, "full disk: a start with the cache on it", BUDGET,
                        () -> startAndClose(Sandbox.builder().stateRoot(otherState).template(true)));
            } finally {
                if (was == null) {
                    System.clearProperty("kata.cache.dir");
                } else {
                    System.setProperty("kata.cache.dir", was);
                }
            }
            saysFull(f, "cache", why);
            leftIn(f, otherState, "full disk (cache)");
            try (Stream<Path> s = Files.walk(cache)) {
                long abandoned = s.filter(p -> p.getFileName().toString().startsWith(".tmp-")
                        || p.getFileName().toString().startsWith(".scratch-")).count();
                f.count("faults: full disk: abandoned cache builds left", abandoned);
            }
            f.count("faults: trials", 2);
        } finally {
            sh("umount", "-l", mnt.toString());
        }
    }

    private static Object startAndClose(dev.jkata.api.SandboxBuilder b) {
        try (Sandbox sb = b.start()) {
            return "a sandbox started: " + sb.id();
        }
    }

    private static void saysFull(Findings f, String where, Throwable why) {
        if (why == null) {
            return;
        }
        String m = String.valueOf(why.getMessage()).toLowerCase(Locale.ROOT);
        if (!m.contains("no space") && !m.contains("disk is full") && !m.contains("full")) {
            f.count("faults: full disk not named in the error (failed)", 1);
            f.failure("full disk under the " + where + ": the error does not say so: " + FaultTrial.abbreviate(m));
        }
    }

    private static void leftIn(Findings f, Path root, String name) throws IOException, InterruptedException {
        Thread.sleep(1_000);
        long qemus = OwnerDeathTrial.qemusOf(root).size();
        f.count("faults: QEMU left after close", qemus);
        try (Stream<Path> s = Files.list(root)) {
            long dirs = s.count();
            f.count("faults: state directories left after close", dirs);
            if (dirs > 0) {
                f.failure(name + ": " + dirs + " entries left in " + root);
            }
        }
    }

    /** Writes until the file system is full. */
    private static void fill(Path file) throws IOException {
        byte[] block = new byte[64 * 1024];
        try (OutputStream o = Files.newOutputStream(file)) {
            while (true) {
                o.write(block);
            }
        } catch (IOException full) {
            if (!String.valueOf(full.getMessage()).contains("No space")) {
                throw full;
            }
        }
    }

    /** Runs a command; null when it succeeded, else what it said. */
    private static String sh(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).trim();
        return p.waitFor() == 0 ? null : "exit " + p.exitValue() + ": " + out;
    }
}
