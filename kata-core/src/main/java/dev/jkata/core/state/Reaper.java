package dev.jkata.core.state;

import dev.jkata.core.cache.CacheDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cleans up after JVMs that died without closing their sandboxes: for every state directory whose owner
 * (pid and start time) is gone, kills the QEMU named in its pid file (only when that process's command
 * line still names this directory, so a reused pid is never hit) and removes the directory.
 */
public final class Reaper {
    private static final Logger LOG = LoggerFactory.getLogger(Reaper.class);

    private Reaper() {}

    /** Sweeps {@code root}; returns the sandbox ids whose leftovers were removed. */
    public static List<String> sweep(Path root) {
        List<String> reaped = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return reaped;
        }
        try (Stream<Path> s = Files.list(root)) {
            for (Path dir : s.filter(Files::isDirectory).toList()) {
                Optional<Properties> owner = StateDirectory.owner(dir);
                if (owner.isPresent() && ownerAlive(owner.get())) {
                    continue;
                }
                if (owner.isEmpty() && recentlyModified(dir)) {
                    continue; // being created right now by another JVM
                }
                killQemu(dir);
                try {
                    CacheDirectory.deleteTree(dir);
                    reaped.add(dir.getFileName().toString());
                    LOG.info("Removed sandbox {} left behind by a JVM that is gone", dir.getFileName());
                } catch (IOException e) {
                    LOG.warn("Cannot remove the abandoned sandbox directory {}: {}", dir, e.getMessage());
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot sweep {}: {}", root, e.getMessage());
        }
        return reaped;
    }

    static boolean ownerAlive(Properties owner) {
        long pid;
        try {
            pid = Long.parseLong(owner.getProperty("pid", ""));
        } catch (NumberFormatException e) {
            return false;
        }
        Optional<ProcessHandle> h = ProcessHandle.of(pid);
        if (h.isEmpty() || !h.get().isAlive()) {
            return false;
        }
        String start = owner.getProperty("start", "");
        return start.isEmpty() || h.get().info().startInstant().map(Instant::toString).map(start::equals).orElse(true);
    }

    private static boolean recentlyModified(Path dir) {
        try {
            return Files.getLastModifiedTime(dir).toInstant().isAfter(Instant.now().minus(Duration.ofSeconds(30)));
        } catch (IOException e) {
            return false;
        }
    }

    private static void killQemu(Path dir) {
        Path pidFile = dir.resolve("qemu.pid");
        if (!Files.isReadable(pidFile)) {
            return;
        }
        try {
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle.of(pid).ifPresent(h -> {
                String cmd = h.info().commandLine().orElse("");
                if (cmd.contains(dir.toString())) {
                    LOG.info("Killing QEMU {} of an abandoned sandbox {}", pid, dir.getFileName());
                    h.destroyForcibly();
                }
            });
        } catch (IOException | NumberFormatException e) {
            LOG.debug("unreadable pid file {}", pidFile, e);
        }
    }
}
