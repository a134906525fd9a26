package dev.jkata.agent.container;

import dev.jkata.agent.errors.AgentException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Tells whether a foreground runtime launch ({@code crun run}, {@code crun exec}) got its process going:
 * the runtime writes the pid file once the container process exists, and exits early, with its message in
 * the log file, when it cannot create it.
 */
final class Launches {
    private static final long POLL_MS = 5;

    private Launches() {}

    /**
     * Waits until {@code pidFile} holds a pid, or the launcher exited without one.
     *
     * @return the container process's pid
     * @throws AgentException INTERNAL with the runtime's log when the launch failed, DEADLINE_EXCEEDED after {@code timeout}
     */
    static long awaitPid(Process launcher, Path pidFile, Path logFile, Duration timeout, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long pid = readPid(pidFile);
            if (pid > 0) {
                return pid;
            }
            if (!launcher.isAlive()) {
                pid = readPid(pidFile);
                if (pid > 0) {
                    return pid;
                }
                String log = readLog(logFile);
                throw AgentException.internal(what + " failed with status " + launcher.exitValue()
                        + (log.isEmpty() ? "" : ": " + log));
            }
            if (System.nanoTime() > deadline) {
                launcher.destroyForcibly();
                throw new AgentException(AgentException.Reason.DEADLINE_EXCEEDED,
                        what + " did not start its process within " + timeout.toSeconds() + " s");
            }
            try {
                Thread.sleep(POLL_MS);
            } catch (InterruptedException e) {
                throw AgentException.interrupted("waiting for " + what);
            }
        }
    }

    /** The runtime's log, trimmed and bounded; empty when there is none. */
    static String readLog(Path logFile) {
        try {
            byte[] b = Files.readAllBytes(logFile);
            String s = new String(b, 0, Math.min(b.length, 4096), StandardCharsets.UTF_8).strip();
            return s;
        } catch (IOException e) {
            return "";
        }
    }

    private static long readPid(Path pidFile) {
        try {
            String s = Files.readString(pidFile, StandardCharsets.US_ASCII).strip();
            return s.isEmpty() ? -1 : Long.parseLong(s);
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
    }
}
