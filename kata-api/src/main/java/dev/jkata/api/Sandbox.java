package dev.jkata.api;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;

/**
 * A lightweight virtual machine that runs containers: the unit of isolation.
 *
 * <pre>{@code
 * try (Sandbox sb = Sandbox.builder().memory(MemorySize.ofMiB(512)).start()) {
 *     ExecResult r = sb.run("uname", "-a");
 * }
 * }</pre>
 *
 * A sandbox starts with one default container (the built-in busybox root file system unless the builder
 * says otherwise); {@link #run} and {@link #exec} use it. Closing the sandbox stops the VM and removes every
 * process, socket and directory it made.
 */
public interface Sandbox extends AutoCloseable {

    /** A builder for a new sandbox; {@code Sandbox.builder().start()} works with the defaults. */
    static SandboxBuilder builder() {
        return new SandboxBuilder();
    }

    String id();

    SandboxState state();

    /** The default container. */
    Container container();

    /** Creates another container in this sandbox. */
    Container createContainer(ContainerSpec spec);

    /** Runs a command in the default container to completion, capturing its output. */
    default ExecResult run(String... command) throws InterruptedException {
        return container().run(ExecSpec.builder(command).build());
    }

    /** Runs a command in the default container to completion, capturing its output. */
    default ExecResult run(ExecSpec spec) throws InterruptedException {
        return container().run(spec);
    }

    /** Starts a process in the default container. */
    default ExecProcess exec(ExecSpec spec) {
        return container().exec(spec);
    }

    /** The default container's files, from the host (see {@link ContainerFiles}). */
    default ContainerFiles files() {
        return container().files();
    }

    /**
     * What this sandbox has used so far: its default container's figures, the VM's host process, its disk and network.
     *
     * @throws KataException (ILLEGAL_STATE) when this sandbox's provider cannot say
     */
    default SandboxStats stats() {
        throw new KataException(KataErrorReason.ILLEGAL_STATE, "this sandbox's provider has no figures of its use");
    }

    /** The containers alive in this sandbox. */
    List<Container> containers();

    /**
     * Where the host reaches published {@code guestPort} (see {@link SandboxBuilder#publish(int)}); with an ephemeral
     * host port, the port the host chose.
     *
     * @throws InvalidConfigurationException for field {@code guestPort} when that port was not published
     */
    InetSocketAddress publishedAddress(int guestPort);

    /** The host port published {@code guestPort} is reachable on (on {@link #publishedAddress(int)}'s address). */
    default int hostPort(int guestPort) {
        return publishedAddress(guestPort).getPort();
    }

    /** How long the VM took from launch until its agent answered. */
    Duration bootTime();

    /** Stops the VM and releases everything. Idempotent; secondary failures are attached as suppressed. */
    @Override
    void close();

    /**
     * Freezes the sandbox: its VM's virtual CPUs stop (QEMU's {@code stop}), so nothing in it runs, while its
     * memory, processes and connections stay. Calls into a paused sandbox wait for {@link #resume()} or their own
     * deadline; {@link #close()} resumes it first.
     *
     * @throws KataException {@link KataErrorReason#ILLEGAL_STATE} when this provider's sandboxes cannot be paused
     */
    default void pause() {
        throw new KataException(KataErrorReason.ILLEGAL_STATE, "this sandbox's provider cannot pause it");
    }

    /** Lets a paused sandbox run again; does nothing for a sandbox that is not paused. */
    default void resume() {
        throw new KataException(KataErrorReason.ILLEGAL_STATE, "this sandbox's provider cannot pause or resume it");
    }

    /** Whether {@link #pause()} froze this sandbox and it has not been resumed since. */
    default boolean paused() {
        return false;
    }
}
