package dev.jkata.agent.protocol.features;

import java.util.Collection;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * What jkata's agent does beyond the Kata 1.x agent's behaviour, named on the wire in GetGuestDetails'
 * {@code AgentDetails.jkata_features} (field 100, jkata's extension). The host learns the set once per session and
 * asks it, never calls and catches; an agent that sends none (the upstream one) gets Kata 1.x's conventions.
 */
public enum AgentFeature {
    /**
     * WaitProcess leaves a process's unread output readable to its end, so the host may wait while it still reads.
     * The Kata 1.x agent's WaitProcess closes the streams and forgets the process: the host must read both streams
     * to their end first, as Kata's shim does.
     */
    WAIT_KEEPS_OUTPUT,
    /**
     * Every container holds jkata's idle init, read-only at {@link IdleInit#PROGRAM} (the guest image's static
     * busybox), so a container that only runs commands beside its init needs nothing from the user's image.
     */
    IDLE_INIT,
    /**
     * A container's writable layer lives on the sandbox's {@link ScratchDisk} when one is mounted, and is deleted with
     * the container; without this feature (or without a disk) it lives in guest RAM.
     */
    WRITABLE_LAYER_ON_DISK,
    /**
     * The agent serves the file protocol ({@code dev.jkata.agent.protocol.files}) on its forwarding port. Without it
     * (the upstream agent serves no such port) the host refuses file operations at once rather than wait on a port
     * nobody reads.
     */
    FILES;

    /** The name on the wire: lower case, words joined by '-'. */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** The features among {@code names}; names this build does not know (a newer agent's) are ignored. */
    public static Set<AgentFeature> parse(Collection<String> names) {
        EnumSet<AgentFeature> out = EnumSet.noneOf(AgentFeature.class);
        for (AgentFeature f : values()) {
            if (names.contains(f.wireName())) {
                out.add(f);
            }
        }
        return out;
    }
}
