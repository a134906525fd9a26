package dev.jkata.api;

/** A container inside a sandbox. Processes run in it; closing it removes it from the guest. */
public interface Container extends AutoCloseable {

    String id();

    /** Starts a process and returns at once; its streams must be read (or closed) by the caller. */
    ExecProcess exec(ExecSpec spec);

    /**
     * Runs a command to completion and captures its output (up to {@link ExecSpec#captureLimit()}).
     * A command that does not exist gives exit status 127, as a shell does.
     *
     * @throws KataTimeoutException when the spec's timeout passes; the process is killed first
     */
    ExecResult run(ExecSpec spec) throws InterruptedException;

    /** Removes the container. Idempotent. */
    @Override
    void close();
}
