package dev.jkata.bench.campaign;

import dev.jkata.api.Sandbox;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.time.Duration;

/**
 * Owner death: a JVM of its own ({@link OwnerProcess}) owns sandboxes and is killed with SIGKILL at a random moment.
 * Then: no QEMU of its state root may be alive 2 s later; the next start in that root sweeps every state directory
 * the dead owner left; and a directory the library did not make (a user's, beside them) survives the sweep.
 */
final class OwnerDeathTrial {
    private OwnerDeathTrial() {}

    static void run(Path work, int trials, Duration maxDelay, long seed, Findings f) throws Exception {
        Random random = new Random(seed);
        Path stateRoot = Files.createDirectories(work.resolve("owner-death"));
        Path usersOwn = Files.createDirectories(stateRoot.resolve("not-the-librarys"));
        Files.writeString(usersOwn.resolve("keep.txt"), "mine\n");
        for (int t = 0; t < trials; t++) {
            long delay = (long) (random.nextDouble() * maxDelay.toMillis());
            AtomicReference<String> phase = new AtomicReference<>("jvm start");
            Process owner = new ProcessBuilder(javaBin(), "-Xmx256m", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
                    "-cp", System.getProperty("java.class.path"), OwnerProcess.class.getName(), stateRoot.toString())
                    .redirectErrorStream(true).start();
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(owner.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = r.readLine()) != null; ) {
                        if (line.startsWith("phase ")) {
                            phase.set(line.substring(6));
                        }
                    }
                } catch (java.io.IOException ended) {
                    // the owner is dead
                }
            }, "owner-output");
            reader.setDaemon(true);
            reader.start();
            Thread.sleep(delay);
            String killedIn = phase.get();
            owner.destroyForcibly();
            owner.waitFor();
            f.count("owner death: trials", 1);
            f.count("owner death: killed while " + killedIn, 1);
            Thread.sleep(2_000);
            List<ProcessHandle> left = qemusOf(stateRoot);
            if (!left.isEmpty()) {
                f.count("owner death: QEMU alive 2 s after its owner died", left.size());
                f.failure("owner death " + t + " (killed while " + killedIn + " after " + delay + " ms): QEMU "
                        + left.get(0).pid() + " still alive");
                left.forEach(ProcessHandle::destroyForcibly);
            }
        }
        // the next start sweeps what the dead owners left
        try (Sandbox sb = Sandbox.builder().stateRoot(stateRoot).start()) {
            sb.run("true");
        }
        try (Stream<Path> s = Files.list(stateRoot)) {
            long leftovers = s.filter(p -> !p.equals(usersOwn)).count();
            f.count("owner death: state directories left after the next start", leftovers);
        }
        if (!Files.exists(usersOwn.resolve("keep.txt"))) {
            f.count("owner death: files of others deleted by the sweep", 1);
        }
    }

    static List<ProcessHandle> qemusOf(Path stateRoot) {
        String root = stateRoot.toString();
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(h -> h.info().commandLine().map(c -> c.contains("qemu-system") && c.contains(root)).orElse(false))
                .toList();
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
