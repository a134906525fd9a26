package dev.jkata.api;

/** A container inside a sandbox. Processes run in it; closing it removes it from the guest. */
public interface Container extends AutoCloseable {

    String id();

    /** The container image this container runs, when its root file system came from one. */
    default java.util.Optional<ContainerImage> image() {
        return java.util.Optional.empty();
    }

    /**
     * The container's own process, for a job container ({@link ContainerSpec#process()}): its init, PID 1 in the
     * container, started with it; the container stops when it exits. Its streams must be read (or closed) by the
     * caller. Empty for a container held by jkata's idle init.
     */
    default java.util.Optional<ExecProcess> init() {
        return java.util.Optional.empty();
    }

    /**
     * Waits for a job container's process to exit ({@link #init()}) and returns its exit status.
     *
     * @throws KataException (ILLEGAL_STATE) when this container has no process of its own
     * @throws KataTimeoutException when it still runs after {@code timeout}
     */
    default ExitStatus waitFor(java.time.Duration timeout) throws InterruptedException {
        return init().orElseThrow(() -> new KataException(KataErrorReason.ILLEGAL_STATE, "container " + id()
                + " has no process of its own to wait for; make it with ContainerSpec.builder().process(...)"))
                .waitFor(timeout);
    }

    /**
     * This container's files, from the host: copy in and out, read, write, list (see {@link ContainerFiles}).
     *
     * @throws KataException (ILLEGAL_STATE) when this container's provider has no way to its files
     */
    default ContainerFiles files() {
        throw new KataException(KataErrorReason.ILLEGAL_STATE, "this container's provider cannot reach its files");
    }

    /**
     * What this container has used so far: CPU, memory, block IO, processes, OOM kills.
     *
     * @throws KataException (ILLEGAL_STATE) when this container's provider cannot say
     */
    default ContainerStats stats() {
        throw new KataException(KataErrorReason.ILLEGAL_STATE, "this container's provider has no figures of its use");
    }

    /** Starts a process and returns at once; its streams must be read (or closed) by the caller. */
    ExecProcess exec(ExecSpec spec);

    /**
     * Runs a command to completion and captures its output (up to {@link ExecSpec#captureLimit()}). Its
     * standard input is closed at once. A command that does not exist gives exit status 127, as a shell does.
     * Once the process has exited, output is awaited for at most 5 s, and never past the spec's timeout: a
     * background child that keeps the streams open cannot hold the caller; what arrived is kept and the
     * result says {@linkplain ExecResult#truncated() truncated}.
     *
     * @throws KataTimeoutException when the spec's timeout passes; the process is killed first
     */
    default ExecResult run(ExecSpec spec) throws InterruptedException {
        return RunToCompletion.run(this, spec);
    }

    /**
     * Sets limits on this container's processes in the guest ({@code docker update}'s); absent ones stay as they are.
     *
     * @throws KataException (ILLEGAL_STATE) when this container's provider cannot limit it
     */
    default void update(ResourceLimits limits) {
        throw new KataException(KataErrorReason.ILLEGAL_STATE, "this container's provider cannot change its limits");
    }

    /** Removes the container. Idempotent. */
    @Override
    void close();
}
