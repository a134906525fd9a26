package dev.jkata.testkit.fake;

import dev.jkata.api.ExecProcess;
import dev.jkata.api.ExitStatus;
import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.api.KataTimeoutException;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A fake process: a host {@link Process} behind the {@link ExecProcess} API, or, when the program could not be
 * started, an already finished process whose standard error says why (exit 127 or 126, as a shell).
 */
final class FakeExecProcess implements ExecProcess {
    private static final Duration REAP = Duration.ofSeconds(5);
    private static final int SIGKILL = 9;
    private static final int SIGTERM = 15;

    private final String id;
    private final Process process;
    private final ExitStatus finished;
    private final boolean terminal;
    private final EndingInputStream stdout;
    private final EndingInputStream stderr;
    private final OutputStream stdin;
    private final Consumer<FakeExecProcess> onClose;
    private final AtomicBoolean closed = new AtomicBoolean();

    private FakeExecProcess(String id, Process process, ExitStatus finished, boolean terminal, InputStream stdout,
                            InputStream stderr, OutputStream stdin, Consumer<FakeExecProcess> onClose) {
        this.id = id;
        this.process = process;
        this.finished = finished;
        this.terminal = terminal;
        this.stdout = new EndingInputStream(stdout);
        this.stderr = new EndingInputStream(stderr);
        this.stdin = new Stdin(stdin);
        this.onClose = onClose;
    }

    static FakeExecProcess started(String id, Process p, boolean terminal, Consumer<FakeExecProcess> onClose) {
        // With redirectErrorStream(true) (our stand-in for a terminal) the error stream is already empty.
        return new FakeExecProcess(id, p, null, terminal, p.getInputStream(), p.getErrorStream(), p.getOutputStream(), onClose);
    }

    static FakeExecProcess notStarted(String id, int exitCode, String message, Consumer<FakeExecProcess> onClose) {
        return new FakeExecProcess(id, null, ExitStatus.of(exitCode), false, InputStream.nullInputStream(),
                new ByteArrayInputStream(message.getBytes(StandardCharsets.UTF_8)), OutputStream.nullOutputStream(), onClose);
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public OutputStream stdin() {
        return stdin;
    }

    @Override
    public InputStream stdout() {
        return stdout;
    }

    @Override
    public InputStream stderr() {
        return stderr;
    }

    /** Set when the sandbox's deadline ends this process: what its waiters are told instead of its status. */
    private volatile KataTimeoutException expired;

    /** Tells this process's waiters {@code why} instead of the status of the kill that follows (a deadline). */
    void expire(KataTimeoutException why) {
        if (process != null && process.isAlive()) {
            expired = why;
        }
    }

    @Override
    public ExitStatus waitFor(Duration timeout) throws InterruptedException {
        if (process == null) {
            return finished;
        }
        if (!process.waitFor(nanos(timeout), TimeUnit.NANOSECONDS)) {
            throw new KataTimeoutException("fake process " + id + " is still running", timeout);
        }
        if (expired != null) {
            throw expired;
        }
        return exitStatus();
    }

    /** The host reports a signalled process as 128+N, like a shell; clamp anything odd into 0..255. */
    private ExitStatus exitStatus() {
        return ExitStatus.of(Math.max(0, Math.min(255, process.exitValue())));
    }

    private static long nanos(Duration d) {
        try {
            return Math.max(0, d.toNanos());
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE;
        }
    }

    @Override
    public void signal(int signal) {
        if (signal < 1 || signal > 64) {
            throw new InvalidConfigurationException("signal", "must be between 1 and 64, not " + signal);
        }
        if (process == null || !process.isAlive()) {
            return;
        }
        // through the ProcessHandle: Process.destroy also closes the streams, and what the process wrote before the
        // signal must stay readable to its end, as in a sandbox
        if (signal == SIGKILL) {
            // the job whole, as in a sandbox: what it started first, then itself
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.toHandle().destroyForcibly();
        } else if (signal == SIGTERM) {
            process.toHandle().destroy();
        } else {
            sendWithKill(signal);
        }
    }

    private void sendWithKill(int signal) {
        try {
            Process kill = new ProcessBuilder(List.of("sh", "-c", "kill -" + signal + " " + process.pid()))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (!kill.waitFor(REAP.toMillis(), TimeUnit.MILLISECONDS)) {
                kill.destroyForcibly();
            }
        } catch (IOException e) {
            throw new KataException(KataErrorReason.IO, "cannot send signal " + signal + " to fake process " + id, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Completes when the process has exited (at once for one that never started). */
    java.util.concurrent.CompletableFuture<?> onExit() {
        return process == null ? java.util.concurrent.CompletableFuture.completedFuture(null) : process.onExit();
    }

    @Override
    public void resizeTty(int columns, int rows) {
        if (!terminal) {
            throw new KataException(KataErrorReason.ILLEGAL_STATE, "process " + id + " has no terminal to resize");
        }
        // The fake has no pty; a resize is accepted and has no effect.
    }

    /** Kills the process and every descendant it has now (SIGKILL). */
    void kill() {
        if (process == null) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    void closeStdin() {
        quietly(stdin);
    }

    /** Kills the process (with its descendants) if it still runs, reaps it and closes its streams. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        try {
            if (process != null) {
                if (process.isAlive()) {
                    kill();
                }
                try {
                    process.waitFor(REAP.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            quietly(stdin);
            quietly(stdout::end);
            quietly(stderr::end);
        } finally {
            onClose.accept(this);
        }
    }

    private static void quietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // the process is gone; a broken pipe on close says nothing new
        }
    }

    /** Standard input that refuses writes once closed, as the real shim's does (the JDK's would buffer a byte silently). */
    private static final class Stdin extends OutputStream {
        private final OutputStream out;
        private volatile boolean closed;

        Stdin(OutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) throws IOException {
            open();
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            open();
            out.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            open();
            out.flush();
        }

        @Override
        public void close() throws IOException {
            closed = true;
            out.close();
        }

        private void open() throws IOException {
            if (closed) {
                throw new IOException("stdin is closed");
            }
        }
    }

    @Override
    public String toString() {
        return "FakeExecProcess[" + id + (process == null ? ", " + finished : ", host pid " + process.pid()) + "]";
    }
}
