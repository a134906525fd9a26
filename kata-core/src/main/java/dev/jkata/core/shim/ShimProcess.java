package dev.jkata.core.shim;

import dev.jkata.api.ExecProcess;
import dev.jkata.api.ExitStatus;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.api.KataTimeoutException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shim of one process (kata-shim's job, as an object): pumps its stdout and stderr from the agent into
 * bounded pipes, forwards stdin, and turns the agent's wait into an {@link ExitStatus}. Three threads per
 * process — two pumps and the waiter — all ended by {@link #close()}; a terminal has one stream, so one pump.
 *
 * <p>When the waiter may ask for the exit is the agent's to say ({@link WaitOrder}): the Kata 1.x agent's
 * WaitProcess closes the process's streams and forgets it, so against it the waiter first lets both pumps read
 * to the end, as Kata's shim does; output is never lost to the order of the calls.
 */
public final class ShimProcess implements ExecProcess {
    private static final Logger LOG = LoggerFactory.getLogger(ShimProcess.class);
    /** Per stream; with the agent's own buffer this bounds what a process may write ahead of its reader. */
    static final int PIPE_BYTES = 2 << 20;
    /**
     * Bytes asked for per ReadStdout/ReadStderr and sent per WriteStdin. Each call costs a round trip to the
     * guest (about 10–20 ms under TCG), so throughput is this divided by that: the agent's limit, 1 MiB.
     */
    static final int READ_CHUNK = 1 << 20;
    static final int WRITE_CHUNK = 1 << 20;

    private final String id;
    private final ProcessChannel channel;
    private final BoundedPipe stdout = new BoundedPipe(PIPE_BYTES);
    private final BoundedPipe stderr = new BoundedPipe(PIPE_BYTES);
    private final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
    /** How long close() waits for the killed process's exit before it lets go of it. */
    static final java.time.Duration EXIT_ON_CLOSE = java.time.Duration.ofSeconds(3);

    private final AtomicBoolean closed = new AtomicBoolean();
    private final Thread outPump;
    private final Thread errPump; // null for a terminal: its one stream is stdout
    private final Thread waiter;
    private final StdinStream stdin;

    /**
     * When the exit status may be asked for, relative to reading the output.
     */
    public enum WaitOrder {
        /** While the output is still read: the agent keeps unread output after WaitProcess (jkata's agent). */
        ANY,
        /** Only once both streams were read to their end: the agent's WaitProcess closes them (Kata 1.x's). */
        AFTER_OUTPUT
    }

    /** A process without a terminal whose exit may be waited for at any time: tests' and fakes' shape. */
    public ShimProcess(String id, ProcessChannel channel) {
        this(id, channel, false, WaitOrder.ANY);
    }

    /**
     * @param terminal whether the process has a terminal: then its output is one stream, read as stdout, and
     *                 {@link #stderr()} ends at once (Kata 1.x's agent serves the terminal to both reads)
     * @param order    when the agent allows WaitProcess
     */
    public ShimProcess(String id, ProcessChannel channel, boolean terminal, WaitOrder order) {
        this.id = id;
        this.channel = channel;
        this.stdin = new StdinStream();
        this.outPump = daemon("kata-stdout-" + id, () -> pump(ProcessOutput.STDOUT, stdout));
        this.errPump = terminal ? null : daemon("kata-stderr-" + id, () -> pump(ProcessOutput.STDERR, stderr));
        if (terminal) {
            stderr.finish();
        }
        this.waiter = daemon("kata-wait-" + id, () -> {
            try {
                if (order == WaitOrder.AFTER_OUTPUT) {
                    awaitPumps();
                }
                dev.jkata.agent.client.AgentClient.ProcessExit ended = channel.awaitExit();
                int code = ended.status();
                if (code < 0 || code > 255) {
                    // the status is the guest's word: out of range is a broken or hostile agent, not our bug
                    throw new KataException(KataErrorReason.PROTOCOL_VIOLATION, "the agent reported exit status " + code
                            + " for process " + id + ", outside 0..255; the guest is misbehaving");
                }
                exit.complete(new ExitStatus(code, ended.oomKilled()));
            } catch (InterruptedException e) {
                exit.completeExceptionally(new KataException(KataErrorReason.AGENT_FAILED, "process " + id
                        + " was let go before its output ended"));
            } catch (KataException e) {
                exit.completeExceptionally(e);
            } catch (RuntimeException e) {
                exit.completeExceptionally(new KataException(KataErrorReason.AGENT_FAILED, "waiting for process " + id
                        + " failed: " + e, e));
            }
        });
        outPump.start();
        if (errPump != null) {
            errPump.start();
        }
        waiter.start();
    }

    /** Waits until both pumps are done: each read its stream to the end, failed, or was stopped by close. */
    private void awaitPumps() throws InterruptedException {
        outPump.join();
        if (errPump != null) {
            errPump.join();
        }
    }

    private static Thread daemon(String name, Runnable r) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private void pump(ProcessOutput output, BoundedPipe pipe) {
        try {
            while (!closed.get()) {
                byte[] data = channel.read(output, READ_CHUNK);
                if (data.length == 0) {
                    break;
                }
                if (!pipe.write(data, 0, data.length)) {
                    break;
                }
            }
            pipe.finish();
        } catch (InterruptedException e) {
            pipe.finish();
        } catch (RuntimeException e) {
            if (closed.get()) {
                pipe.finish();
            } else {
                pipe.fail(new IOException("reading the process's " + output + " failed: " + e.getMessage(), e));
            }
        }
    }

    @Override
    public String id() { return id; }

    @Override
    public OutputStream stdin() { return stdin; }

    @Override
    public InputStream stdout() { return stdout; }

    @Override
    public InputStream stderr() { return stderr; }

    @Override
    public ExitStatus waitFor(Duration timeout) throws InterruptedException {
        try {
            // saturated: a timeout of centuries means no limit, not an overflow
            long nanos = timeout.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : timeout.toNanos();
            return exit.get(nanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            throw new KataTimeoutException("process " + id + " is still running", timeout);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof KataException k) {
                throw k;
            }
            throw new KataException(KataErrorReason.AGENT_FAILED, "waiting for process " + id + " failed: " + e.getCause(),
                    e.getCause());
        }
    }

    /** The exit status once known. */
    public CompletableFuture<ExitStatus> onExit() {
        return exit.copy();
    }

    @Override
    public void signal(int signal) {
        channel.signal(signal);
    }

    @Override
    public void resizeTty(int columns, int rows) {
        channel.resize(columns, rows);
    }

    /**
     * Lets go of the process without a word to the agent, for a guest that has stopped answering: readers see the
     * end of its output, waiters an AGENT_FAILED, and its threads end; the VM's stop ends the process itself.
     */
    public void abandon() {
        closed.set(true);
        stdout.discard();
        stderr.discard();
        exit.completeExceptionally(new KataException(KataErrorReason.AGENT_FAILED, "process " + id
                + " was let go: its sandbox closed while the agent did not answer"));
        interruptPumps();
        waiter.interrupt();
    }

    /**
     * Says why the process is about to be ended by the host (its sandbox's deadline passed): whoever waits for its
     * exit gets {@code why} instead of the status the coming kill gives. A process that has exited keeps its status.
     */
    public void expire(KataException why) {
        exit.completeExceptionally(why);
    }

    private void interruptPumps() {
        outPump.interrupt();
        if (errPump != null) {
            errPump.interrupt();
        }
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        if (!exit.isDone()) {
            try {
                channel.signal(9);
            } catch (RuntimeException e) {
                LOG.debug("kill of process {} on close failed: {}", id, e.getMessage());
            }
        }
        try {
            stdin.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing stdin of {} failed: {}", id, e.getMessage());
        }
        // readers (perhaps on other threads) see the output end, not an error
        stdout.discard();
        stderr.discard();
        try {
            exit.get(EXIT_ON_CLOSE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            LOG.debug("process {} did not report its exit on close: {}", id, e.toString());
        }
        interruptPumps();
        // a guest that never answers WaitProcess must not keep a thread and a long poll per closed process
        waiter.interrupt();
    }

    /** Standard input: chunks of at most {@link #WRITE_CHUNK} go to the agent; close sends EOF once. */
    private final class StdinStream extends OutputStream {
        private boolean eofSent;

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) throws IOException {
            if (eofSent) {
                throw new IOException("stdin of process " + id + " is closed");
            }
            try {
                while (len > 0) {
                    int n = channel.write(b, off, Math.min(len, WRITE_CHUNK));
                    if (n <= 0) {
                        throw new IOException("the agent took no bytes of stdin");
                    }
                    off += n;
                    len -= n;
                }
            } catch (KataException e) {
                throw new IOException("writing stdin of process " + id + " failed: " + e.getMessage(), e);
            }
        }

        @Override
        public synchronized void close() throws IOException {
            if (eofSent) {
                return;
            }
            eofSent = true;
            if (exit.isDone()) {
                return;
            }
            try {
                channel.closeStdin();
            } catch (KataException e) {
                if (!exit.isDone()) {
                    throw new IOException("closing stdin of process " + id + " failed: " + e.getMessage(), e);
                }
            }
        }
    }
}
