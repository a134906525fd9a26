package dev.jkata.agent.system;

import dev.jkata.agent.errors.AgentException;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs a short guest command (mount, crun kill, date, ...) to completion and returns its stdout. A command
 * that fails, or outlives its deadline, becomes an {@link AgentException}: INTERNAL with the command's
 * stderr, or DEADLINE_EXCEEDED.
 */
public final class Commands {
    /** How long a command may run by default. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private static final int MAX_OUTPUT = 16 * 1024 * 1024;

    private Commands() {}

    /** Runs {@code command} with the default deadline. */
    public static String run(List<String> command) {
        return run(command, DEFAULT_TIMEOUT);
    }

    /** Runs {@code command}, with stdin empty, and returns its stdout once it exited with status 0. */
    public static String run(List<String> command, Duration timeout) {
        String name = String.join(" ", command);
        Process p;
        try {
            p = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw AgentException.internal("cannot run " + name + ": " + e.getMessage(), e);
        }
        CompletableFuture<String> stderr = new CompletableFuture<>();
        Thread errReader = new Thread(() -> {
            try {
                stderr.complete(readAll(p.getErrorStream()));
            } catch (RuntimeException e) {
                stderr.complete("");
            }
        }, "cmd-stderr");
        errReader.setDaemon(true);
        errReader.start();
        try {
            String out = readAll(p.getInputStream());
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.destroyForcibly();
                throw new AgentException(AgentException.Reason.DEADLINE_EXCEEDED,
                        name + " did not finish within " + timeout.toSeconds() + " s");
            }
            int rc = p.exitValue();
            if (rc != 0) {
                String err = stderr.get(5, TimeUnit.SECONDS).strip();
                throw AgentException.internal(name + " failed with status " + rc + (err.isEmpty() ? "" : ": " + err));
            }
            return out;
        } catch (InterruptedException e) {
            p.destroyForcibly();
            throw AgentException.interrupted("running " + name);
        } catch (ExecutionException | TimeoutException e) {
            throw AgentException.internal(name + " failed with status " + p.exitValue());
        } catch (UncheckedIOException e) {
            p.destroyForcibly();
            throw AgentException.internal("reading the output of " + name + ": " + e.getMessage(), e);
        }
    }

    private static String readAll(InputStream in) {
        try (in) {
            byte[] data = in.readNBytes(MAX_OUTPUT);
            in.transferTo(OutputStream.nullOutputStream());
            return new String(data, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
