package dev.jkata.agent.process;

import dev.jkata.agent.errors.AgentException;
import dev.jkata.agent.terminal.Pty;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;

/**
 * One process the agent runs for the host: a container's init or an exec'd process, named by its exec id.
 *
 * <p>It exists before it runs (a container's init is created by CreateContainer and started by
 * StartContainer): reads and stdin writes made before {@link #start} wait for it. Once started, two pump
 * threads copy the launched process's stdout and stderr into bounded {@link OutputBuffer}s, and the
 * process's exit value becomes the exit status: the launcher ({@code crun run}, {@code crun exec}, or
 * the JDK for a direct child) reports death by signal N as 128+N.
 */
public final class GuestProcess {

    /** One of the two output streams. */
    public enum Output { STDOUT, STDERR }

    private final String execId;
    private final OutputBuffer stdout;
    private final OutputBuffer stderr;
    private final CompletableFuture<Integer> exit = new CompletableFuture<>();
    private final CountDownLatch launched = new CountDownLatch(1);
    private final Object stdinLock = new Object();

    // guarded by this
    private Process process;
    private Pty terminal;
    private long pid;
    /** The container's OOM kill count when this process started: a rise by its end, with SIGKILL, is its cause of death. */
    private volatile long oomKillsAtStart = -1;
    private boolean stdinClosed;
    private boolean terminalEofSent;
    private StdinFeeder feeder;

    /** What a process's stdin holds that it has not read yet, at most. */
    static final int STDIN_QUEUE = 1 << 20;

    /** A process not yet started, whose stdout and stderr buffers hold at most {@code bufferCapacity} bytes each. */
    public GuestProcess(String execId, int bufferCapacity) {
        this.execId = Objects.requireNonNull(execId, "execId");
        this.stdout = new OutputBuffer(bufferCapacity);
        this.stderr = new OutputBuffer(bufferCapacity);
    }

    public String execId() { return execId; }

    /**
     * Attaches the launched process: starts its stdio pumps and reports its exit. Its pid, for signals,
     * follows with {@link #setPid} once the runtime told it.
     *
     * @param launched the process whose stdio and exit value are this process's
     */
    public void start(Process launched) {
        synchronized (this) {
            if (process != null || exit.isDone()) {
                throw AgentException.precondition("process " + execId + " was already started");
            }
            process = launched;
            feeder = new StdinFeeder(launched.getOutputStream(), STDIN_QUEUE, "proc-" + shortId() + "-in");
            if (stdinClosed) {
                feeder.close();
            }
        }
        String name = "proc-" + shortId();
        StdioPump.start(name + "-out", launched.getInputStream(), stdout);
        StdioPump.start(name + "-err", launched.getErrorStream(), stderr);
        launched.onExit().thenAccept(p -> exit.complete(p.exitValue()));
        this.launched.countDown();
    }

    /** Records the pid of the container process (not its launcher), to signal it by. */
    /** Records the container's OOM kill count as the process starts. */
    public void setOomKillsAtStart(long count) { this.oomKillsAtStart = count; }

    /**
     * Whether the OOM killer ended this process: it died of SIGKILL and the container's count ({@code oomKillsNow})
     * rose while it ran. False when the start's count is unknown.
     */
    public boolean oomKilled(int status, long oomKillsNow) {
        return status == 128 + 9 && oomKillsAtStart >= 0 && oomKillsNow > oomKillsAtStart;
    }

    public synchronized void setPid(long pid) {
        this.pid = pid;
    }

    /**
     * Attaches a launched process whose stdio is the pseudo-terminal {@code terminal}: its output is the
     * stdout stream (there is no separate stderr: that stream ends at once), stdin writes go to the terminal.
     * The launcher's own stdio carries nothing of the process's.
     */
    public void start(Process launched, Pty terminal) {
        synchronized (this) {
            if (process != null || exit.isDone()) {
                throw AgentException.precondition("process " + execId + " was already started");
            }
            process = launched;
            this.terminal = terminal;
        }
        StdioPump.start("proc-" + shortId() + "-tty", terminal.input(), stdout);
        stderr.finish();
        launched.onExit().thenAccept(p -> exit.complete(p.exitValue()));
        this.launched.countDown();
        if (stdinClosed()) {
            closeStdin();
        }
    }

    /** Whether the process's stdio is a terminal. */
    public synchronized boolean hasTerminal() { return terminal != null; }

    /** Resizes the process's terminal to {@code columns} x {@code rows}. */
    public void resizeTerminal(int columns, int rows) {
        Pty tty;
        synchronized (this) {
            tty = terminal;
        }
        if (tty == null) {
            throw AgentException.precondition("process " + execId + " has no terminal: it cannot be resized");
        }
        try {
            tty.resize(columns, rows);
        } catch (java.io.IOException e) {
            throw AgentException.precondition("cannot resize the terminal of process " + execId + ": " + e.getMessage());
        }
    }

    /**
     * Ends a process that could not start, as a shell would report it: {@code message} on its stderr and
     * {@code status} as its exit status (127 for a program that does not exist).
     */
    public void failToStart(int status, String message) {
        try {
            stderr.write(message.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        abort(status);
    }

    /** Ends a process that never started, as if it had exited with {@code status}: its streams end at once. */
    public void abort(int status) {
        synchronized (this) {
            if (process != null) {
                return;
            }
        }
        stdout.finish();
        stderr.finish();
        exit.complete(status);
        launched.countDown();
    }

    /** Whether it was started and has not exited. */
    public synchronized boolean isRunning() { return process != null && !exit.isDone(); }

    /** Whether it was started (or aborted). */
    public boolean isStarted() { return launched.getCount() == 0; }

    /** The pid of the container process, once known. */
    public synchronized OptionalLong pid() { return pid > 0 ? OptionalLong.of(pid) : OptionalLong.empty(); }

    /** The exit status, once it exited. */
    public Optional<Integer> exitStatus() {
        return exit.isDone() ? Optional.of(exit.join()) : Optional.empty();
    }

    /** Waits for the exit and returns the exit status (128+N for signal N). */
    public int waitFor() {
        try {
            return exit.get();
        } catch (InterruptedException e) {
            throw AgentException.interrupted("waiting for process " + execId);
        } catch (ExecutionException e) {
            throw AgentException.internal("waiting for process " + execId + " failed", e.getCause());
        }
    }

    /** Runs {@code action} once the process exited (at once when it already has). */
    public void onExit(Runnable action) {
        exit.thenRun(action);
    }

    /**
     * Takes up to {@code max} bytes of one output stream, waiting until there is at least one.
     *
     * @return the bytes, or {@code null} when the stream ended and everything was read
     */
    public byte[] read(Output which, int max) {
        try {
            return buffer(which).read(max);
        } catch (InterruptedException e) {
            throw AgentException.interrupted("reading the " + which + " of process " + execId);
        }
    }

    /** Whether both streams were read to their end and the process exited: nothing is left to hand out. */
    public boolean isDrained() {
        return exit.isDone() && stdout.endDelivered() && stderr.endDelivered();
    }

    /**
     * Queues as much of {@code data} for the process's stdin as fits ({@value #STDIN_QUEUE} bytes at most wait),
     * after the process started, and returns how much: the host sends the rest again. A process that does not read
     * makes this wait for room; a cancelled call has taken nothing.
     */
    public int writeStdin(byte[] data) {
        OutputStream stdin = awaitStdin();
        if (stdin == null) {
            return writeTerminal(data);
        }
        StdinFeeder f;
        synchronized (this) {
            f = feeder;
        }
        try {
            return f.offer(data);
        } catch (InterruptedException e) {
            throw AgentException.interrupted("writing the stdin of process " + execId);
        } catch (IOException e) {
            if (exit.isDone() || stdinClosed()) {
                throw AgentException.precondition("the stdin of process " + execId + " is closed: "
                        + (exit.isDone() ? "the process exited" : "CloseStdin was called"));
            }
            throw AgentException.internal("writing the stdin of process " + execId + ": " + e.getMessage(), e);
        }
    }

    /**
     * Closes the process's stdin, so it reads end of file; before the start, the start closes it. A terminal
     * cannot be half-closed: it gets end-of-file typed (^D) instead, once. Idempotent.
     */
    public void closeStdin() {
        Process p;
        Pty tty;
        synchronized (this) {
            stdinClosed = true;
            p = process;
            tty = terminal;
            if (tty != null) {
                if (terminalEofSent) {
                    return;
                }
                terminalEofSent = true;
            }
        }
        if (tty != null) {
            try {
                tty.sendEof();
            } catch (java.io.IOException e) {
                // the terminal hung up: the process has its end of file
            }
            return;
        }
        StdinFeeder f;
        synchronized (this) {
            f = feeder;
        }
        if (p != null && f != null) {
            f.close(); // at once: the queued bytes go in first, without this call waiting for a reader
        }
    }

    /** Forgets the buffered output and drops any further output; the pumps still drain the pipes to their end. */
    public void discardOutput() {
        stdout.discard();
        stderr.discard();
    }

    private synchronized boolean stdinClosed() { return stdinClosed; }

    private OutputStream awaitStdin() {
        try {
            launched.await();
        } catch (InterruptedException e) {
            throw AgentException.interrupted("waiting for process " + execId + " to start");
        }
        synchronized (this) {
            if (process == null) {
                throw AgentException.precondition("process " + execId + " never started");
            }
            if (stdinClosed) {
                throw AgentException.precondition("the stdin of process " + execId + " is closed: CloseStdin was called");
            }
            return terminal != null ? null : process.getOutputStream();
        }
    }

    private int writeTerminal(byte[] data) {
        Pty tty;
        synchronized (this) {
            tty = terminal;
        }
        synchronized (stdinLock) {
            try {
                tty.output().write(data);
                return data.length;
            } catch (java.io.IOException e) {
                throw AgentException.precondition("the terminal of process " + execId + " is closed: " + e.getMessage());
            }
        }
    }

    private OutputBuffer buffer(Output which) {
        return which == Output.STDOUT ? stdout : stderr;
    }

    private String shortId() {
        return execId.length() <= 12 ? execId : execId.substring(0, 12);
    }

    private static void closeQuietly(OutputStream out) {
        try {
            out.close();
        } catch (IOException ignored) {
            // a pipe whose reader is gone: closed either way
        }
    }

    @Override
    public String toString() {
        return "GuestProcess[" + execId + ", " + (exit.isDone() ? "exited " + exit.join() : isStarted() ? "running" : "created") + "]";
    }
}
