package dev.jkata.qemu;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a short host command with a deadline and keeps at most {@value #MAX_OUTPUT} bytes of its combined output.
 */
public final class HostCommand {
    static final int MAX_OUTPUT = 1 << 20;

    /** How a command ended; {@code exitCode} is -1 when it could not start or timed out. */
    public record Result(int exitCode, String output) {
        public boolean succeeded() { return exitCode == 0; }
    }

    private HostCommand() {
    }

    public static Result run(List<String> argv, Duration timeout) {
        Process p;
        try {
            p = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            return new Result(-1, "cannot run " + argv.get(0) + ": " + e.getMessage());
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Thread reader = new Thread(() -> drain(p.getInputStream(), out), "host-check-output");
        reader.setDaemon(true);
        reader.start();
        try {
            if (!p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
                return new Result(-1, String.join(" ", argv) + " did not finish within " + timeout);
            }
            reader.join(2000);
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            return new Result(-1, "interrupted");
        }
        synchronized (out) {
            return new Result(p.exitValue(), out.toString(StandardCharsets.UTF_8));
        }
    }

    private static void drain(InputStream in, ByteArrayOutputStream out) {
        byte[] buf = new byte[8192];
        try (in) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                synchronized (out) {
                    int keep = Math.min(n, MAX_OUTPUT - out.size());
                    if (keep > 0) {
                        out.write(buf, 0, keep);
                    }
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }
}
