package dev.jkata.cli.oci;

import java.nio.file.Files;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a container's daemon that nobody can find (N-L12): {@code create} killed between starting the daemon and
 * writing its pid leaves a daemon and a VM no engine knows of, and {@code delete --force} then removes its directory.
 * Once {@code create} has had its time, the daemon checks every few seconds that its container directory exists and
 * its {@code pid} file names it; when not, it says so and ends (its shutdown hook closes the sandbox).
 */
final class OrphanWatch {
    private static final Logger log = LoggerFactory.getLogger(OrphanWatch.class);
    static final Duration GRACE = Duration.ofSeconds(60);
    static final Duration EVERY = Duration.ofSeconds(2);

    private OrphanWatch() {
    }

    /** Watches on a daemon thread; {@code orphaned} runs once, when the daemon is found orphaned. */
    static Thread start(ContainerDir dir, long ownPid, Duration grace, Duration every, Runnable orphaned) {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(grace.toMillis());
                while (true) {
                    String why = orphanedBecause(dir, ownPid);
                    if (why != null) {
                        log.warn("container {}: {}; this daemon ends, with its sandbox", dir.id(), why);
                        orphaned.run();
                        return;
                    }
                    Thread.sleep(every.toMillis());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "kata-runtime-orphan-watch");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Why the daemon is orphaned, or null when its directory still names it. */
    static String orphanedBecause(ContainerDir dir, long ownPid) {
        if (!Files.isDirectory(dir.dir())) {
            return "its directory " + dir.dir() + " is gone";
        }
        try {
            String pid = dir.read("pid").orElse("");
            if (!pid.equals(Long.toString(ownPid))) {
                return pid.isEmpty() ? "no pid file names it (its create did not finish)"
                        : "its pid file names another process (" + pid + ")";
            }
            return null;
        } catch (RuntimeFailure e) {
            return null; // unreadable for a moment: asked again
        }
    }
}
