package dev.jkata.core.guest;

import java.nio.channels.ByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A launched guest, as its sandbox sees it. The sandbox takes {@link #connectAgent()} once and keeps that
 * connection (one yamux session) for the guest's life; everything else about the guest is its
 * launcher's business.
 */
public interface Guest {

    /**
     * A byte channel connected to the agent's yamux server, which the caller owns (the sandbox is the yamux client).
     * How the bytes travel is the guest's business: a QEMU guest connects to its virtio-serial chardev's socket
     * ({@link AgentChannels#unixSocket}).
     *
     * @throws dev.jkata.api.KataException (AGENT_FAILED) when the agent cannot be reached
     */
    ByteChannel connectAgent();

    /**
     * The UNIX socket of the guest's forwarding port (published ports and an allow-listed network travel there),
     * or empty when this guest has none (a fake).
     */
    default Optional<Path> forwardSocket() { return Optional.empty(); }

    /** Whether the guest has a NAT network device (Kata's UpdateInterface then finds it by {@link #macAddress()}). */
    default boolean hasNatDevice() { return false; }

    /** The MAC address of the guest's NAT network device. */
    default String macAddress() { return ""; }

    /**
     * The device node the guest sees the request's {@link GuestRequest#disk() disk} as ({@code /dev/vda}), or empty when
     * it was asked for none (or cannot attach one: a fake).
     */
    default Optional<String> diskDevice() { return Optional.empty(); }

    /**
     * The directory in the guest under which the agent mounts shared storages ({@code <this>/<tag>}); the
     * container root file system share is mounted at {@code <this>/containers}.
     */
    String sharedRoot();

    /** How long ago the guest was launched: the boot timeout counts from then. */
    Duration sinceLaunch();

    /** Empty while the guest lives; once it has died, what is known of why (for instance its console's last lines). */
    Optional<String> failure();

    /** One word or phrase for logs: the image form, or that it is a fake. */
    String describe();

    /** Keeps what explains a failure (the console log) somewhere that outlives the sandbox's state directory. */
    void keepDiagnostics();

    /**
     * Whether this guest was cloned from a VM template: its clock and random pool are then its template's until the
     * sandbox sets them (SetGuestDateTime, ReseedRandomDev), before any user code runs.
     */
    default boolean cloned() { return false; }

    /** The hypervisor's host process id, for diagnostics (its memory, its threads); empty when there is none. */
    default java.util.OptionalLong hypervisorPid() { return java.util.OptionalLong.empty(); }

    /** The last {@code lines} lines of the guest's console, for diagnostics; empty when it has none. */
    default java.util.List<String> consoleTail(int lines) { return java.util.List.of(); }

    /** Stops the guest's virtual CPUs; its memory and devices stay. */
    default void pause() {
        throw new UnsupportedOperationException(this + " cannot be paused");
    }

    /** Lets a paused guest's virtual CPUs run again. */
    default void resume() {
        throw new UnsupportedOperationException(this + " cannot be resumed");
    }

    /**
     * Sends the guest a non-maskable interrupt; jkata's kernels panic on one ({@code unknown_nmi_panic}), so this
     * crashes a wedged guest on purpose, as {@code virsh inject-nmi} does: the VM then ends (its console says why).
     */
    default void injectNmi() {
        throw new UnsupportedOperationException(this + " cannot take an NMI");
    }

    /**
     * Saves this guest, a template launched by {@link GuestTemplating#launchTemplate}, as the device state in
     * {@code file}, once its agent has no host session; the guest is stopped afterwards, to be {@link #stop}ped.
     *
     * @return the bytes written
     * @throws UnsupportedOperationException for a guest that is not a template
     */
    default long saveTemplate(Path file) {
        throw new UnsupportedOperationException(this + " is not a VM template");
    }

    /**
     * Stops the guest: politely first, by force after {@code grace}. Idempotent; afterwards no process, thread or
     * socket of the guest is left.
     */
    void stop(Duration grace);
}
