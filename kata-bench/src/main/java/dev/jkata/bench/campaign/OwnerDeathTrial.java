package dev.jkata.bench.campaign;

import dev.jkata.api.MemorySize;
import dev.jkata.api.Sandbox;
import dev.jkata.guestimage.cache.CacheDirectory;
import dev.jkata.guestimage.host.FileTrees;
import dev.jkata.core.template.Templates;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import java.time.Duration;

/**
 * Owner death: a JVM of its own ({@link OwnerProcess}) owns sandboxes and is killed with SIGKILL at a random moment.
 * Then: no QEMU of its state root may be alive 2 s later; the next start in that root sweeps every state directory
 * the dead owner left; and a directory the library did not make (a user's, beside them) survives the sweep.
 *
 * <p>Every {@value #TEMPLATE_EVERY}th trial's owner starts a configuration no template exists for (a memory size of
 * its own), so a kill often lands in a template build: the next build of that configuration must succeed and leave
 * no abandoned build in the cache. The templates those trials made are removed at the end.
 */
final class OwnerDeathTrial {
    static final int TEMPLATE_EVERY = 5;

    private OwnerDeathTrial() {}

    static void run(Path work, int trials, Duration maxDelay, long seed, Findings f) throws Exception {
        Random random = new Random(seed);
        Path stateRoot = Files.createDirectories(work.resolve("owner-death"));
        Path usersOwn = Files.createDirectories(stateRoot.resolve("not-the-librarys"));
        Files.writeString(usersOwn.resolve("keep.txt"), "mine\n");
        Path templates = CacheDirectory.defaultLocation().root().resolve(Templates.KIND);
        Set<Path> templatesBefore = entries(templates);
        long lastTemplateMiB = 0;
        // the default configuration's template first, so that a kill lands in a clone's boot, an exec, stdio or a close
        // rather than always in that template's build (a minute under TCG)
        try (Sandbox warm = Sandbox.builder().stateRoot(stateRoot).start()) {
            warm.run("true");
        }
        for (int t = 0; t < trials; t++) {
            long delay = (long) (random.nextDouble() * maxDelay.toMillis());
            AtomicReference<String> phase = new AtomicReference<>("jvm start");
            List<String> command = new ArrayList<>(List.of(javaBin(), "-Xmx256m",
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn", "-cp", System.getProperty("java.class.path"),
                    OwnerProcess.class.getName(), stateRoot.toString()));
            if (t % TEMPLATE_EVERY == TEMPLATE_EVERY - 1) {
                lastTemplateMiB = 520 + 8L * (t / TEMPLATE_EVERY); // a configuration of its own
                command.add(Long.toString(lastTemplateMiB));
            }
            Process owner = new ProcessBuilder(command).redirectErrorStream(true).start();
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
        if (lastTemplateMiB > 0) {
            // the configuration whose template build was last interrupted builds now, and sweeps what killed builds left
            try (Sandbox sb = Sandbox.builder().stateRoot(stateRoot).memory(MemorySize.ofMiB(lastTemplateMiB)).start()) {
                sb.run("true");
            }
            try (Stream<Path> s = Files.list(templates)) {
                f.count("owner death: abandoned template builds left in the cache",
                        s.filter(p -> p.getFileName().toString().startsWith(".tmp-")).count());
            }
            for (Path made : entries(templates)) {
                if (!templatesBefore.contains(made) && !made.getFileName().toString().startsWith(".")) {
                    FileTrees.delete(made);
                    f.count("owner death: templates built (then removed)", 1);
                }
            }
        }
    }

    private static Set<Path> entries(Path dir) throws java.io.IOException {
        if (!Files.isDirectory(dir)) {
            return Set.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.collect(Collectors.toSet());
        }
    }

    static List<ProcessHandle> qemusOf(Path stateRoot) {
        String root = stateRoot.toString();
        return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
                .filter(h -> dev.jkata.qemu.ProcessArguments.of(h.pid()).map(a -> !a.isEmpty() && a.get(0).contains("qemu-system")
                        && a.stream().anyMatch(x -> x.contains(root))).orElse(false))
                .toList();
    }

    private static String javaBin() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
