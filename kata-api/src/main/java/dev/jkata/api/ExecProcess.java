package dev.jkata.api;

import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;

/**
 * A process running in a container: a live handle with its standard streams, its exit status and signals.
 * The streams are bounded and apply back-pressure: a process whose output nobody reads blocks on write;
 * nothing is dropped. {@link #close()} kills the process if it still runs and releases everything.
 */
public interface ExecProcess extends AutoCloseable {

    /** The process's id within its container (the agent's exec id). */
    String id();

    /** Writes to the process's standard input; closing it sends end-of-file. */
    OutputStream stdin();

    /** The process's standard output (with a terminal: the terminal's output). */
    InputStream stdout();

    /** The process's standard error (empty with a terminal). */
    InputStream stderr();

    /**
     * Waits for the process to end.
     *
     * @throws KataTimeoutException when it is still running after {@code timeout} (the process keeps running)
     */
    ExitStatus waitFor(Duration timeout) throws InterruptedException;

    /** Sends a signal (e.g. 15 for SIGTERM, 9 for SIGKILL). */
    void signal(int signal);

    /** Resizes the process's terminal; only for processes started with a terminal. */
    void resizeTty(int columns, int rows);

    /** Kills the process if it is still running and releases its streams. Idempotent. */
    @Override
    void close();

    /**
     * Hands this process's output to {@code sink} line by line as it arrives, stdout and stderr both (see
     * {@link OutputLines}); the streams are then this helper's to read. Wait for their end with
     * {@link OutputLines#await}.
     */
    default OutputLines lines(java.util.function.Consumer<OutputLines.Line> sink) {
        return OutputLines.start(this, sink);
    }
}
