package dev.jkata.guestimage.host;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.api.KataTimeoutException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs one host tool to completion with a deadline, keeping a bounded tail of its output so a failure can
 * quote the tool's own words. Never leaves the process behind: on timeout or interrupt it is killed and reaped.
 */
public final class Command {
    /** How much of stdout and of stderr is kept; the tail wins. */
    private static final int KEEP_BYTES = 256 * 1024;

    private final List<String> argv;
    private Path directory;
    private Duration timeout = Duration.ofMinutes(10);
    private final Map<String, String> env = new java.util.LinkedHashMap<>();
    private boolean envOnly;
    private byte[] input;

    private Command(List<String> argv) {
        this.argv = List.copyOf(argv);
    }

    public static Command of(String... argv) {
        return new Command(List.of(argv));
    }

    public static Command of(List<String> argv) {
        return new Command(argv);
    }

    public Command directory(Path dir) {
        this.directory = dir;
        return this;
    }

    public Command timeout(Duration t) {
        this.timeout = Objects.requireNonNull(t);
        return this;
    }

    public Command env(String key, String value) {
        env.put(key, value);
        return this;
    }

    /** The tool gets only the variables given with {@link #env}, none of this JVM's. */
    public Command envOnly() {
        this.envOnly = true;
        return this;
    }

    /** What the tool reads on its standard input (else /dev/null); a tool that does not read it is not waited on. */
    public Command input(byte[] bytes) {
        this.input = bytes.clone();
        return this;
    }

    /** The result of a finished command. */
    public record Result(List<String> argv, int exitCode, String stdout, String stderr) {
        public boolean ok() { return exitCode == 0; }

        /** Throws an IMAGE_BUILD_FAILED-style exception of the given reason unless the command succeeded. */
        public Result orThrow(KataErrorReason reason) {
            if (exitCode != 0) {
                throw new KataException(reason, "'" + String.join(" ", argv) + "' exited with " + exitCode
                        + (stderr.isBlank() ? "" : ": " + lastLines(stderr, 20))
                        + (stderr.isBlank() && !stdout.isBlank() ? ": " + lastLines(stdout, 20) : ""));
            }
            return this;
        }
    }

    /** Runs the command; a non-zero exit is returned, not thrown (see {@link Result#orThrow}). */
    public Result run() {
        ProcessBuilder pb = new ProcessBuilder(argv);
        if (directory != null) {
            pb.directory(directory.toFile());
        }
        if (envOnly) {
            pb.environment().clear();
        }
        pb.environment().putAll(env);
        if (input == null) {
            pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        }
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new KataException(KataErrorReason.MISSING_HOST_DEPENDENCY,
                    "cannot run '" + argv.get(0) + "': " + e.getMessage(), e);
        }
        // on threads of their own: a pipe read blocks, and must not take a thread of the caller's common pool
        if (input != null) {
            feedOnThread(p.getOutputStream(), input);
        }
        CompletableFuture<String> out = drainOnThread(p.getInputStream(), "kata-cmd-out");
        CompletableFuture<String> err = drainOnThread(p.getErrorStream(), "kata-cmd-err");
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                throw new KataTimeoutException("'" + String.join(" ", argv) + "' did not finish", timeout);
            }
            return new Result(argv, p.exitValue(), afterExit(out, p), afterExit(err, p));
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new KataException(KataErrorReason.IO, "interrupted while running " + argv.get(0), e);
        }
    }

    private static void feedOnThread(java.io.OutputStream stdin, byte[] bytes) {
        Thread t = new Thread(() -> {
            try (stdin) {
                stdin.write(bytes);
            } catch (IOException e) {
                // the tool exited or closed its input without reading it all
            }
        }, "kata-cmd-in");
        t.setDaemon(true);
        t.start();
    }

    private static CompletableFuture<String> drainOnThread(InputStream in, String name) {
        CompletableFuture<String> f = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                f.complete(drain(in));
            } catch (RuntimeException e) {
                f.completeExceptionally(e);
            }
        }, name);
        t.setDaemon(true);
        t.start();
        return f;
    }

    /**
     * The output once the tool exited, waited for at most {@value #AFTER_EXIT_SECONDS} s: a child it left in the
     * background may hold the pipe open for as long as it lives, and must not hold the caller too.
     */
    private static String afterExit(CompletableFuture<String> output, Process p) throws InterruptedException {
        try {
            return output.get(AFTER_EXIT_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            return "";
        } catch (java.util.concurrent.ExecutionException e) {
            return "";
        }
    }

    private static final int AFTER_EXIT_SECONDS = 10;

    private static void kill(Process p) {
        p.descendants().forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        try {
            p.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String drain(InputStream in) {
        try (in) {
            ByteArrayOutputStream kept = new ByteArrayOutputStream();
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                kept.write(buf, 0, n);
                if (kept.size() > 2 * KEEP_BYTES) {
                    byte[] all = kept.toByteArray();
                    kept.reset();
                    kept.write(all, all.length - KEEP_BYTES, KEEP_BYTES);
                }
            }
            return kept.toString(StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The last {@code n} lines of a text, for quoting a tool's error. */
    public static String lastLines(String text, int n) {
        String[] lines = text.strip().split("\n");
        List<String> tail = new ArrayList<>();
        for (int i = Math.max(0, lines.length - n); i < lines.length; i++) {
            tail.add(lines[i]);
        }
        return String.join("\n", tail);
    }
}
