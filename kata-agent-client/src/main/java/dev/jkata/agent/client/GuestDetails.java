package dev.jkata.agent.client;

import java.util.List;

/**
 * What Kata's GetGuestDetails says of the agent: its version and the storage drivers it handles (AgentDetails'
 * {@code storage_handlers}), which is how a Kata agent says what it can do.
 *
 * @param agentVersion    the agent's version, as it reports it
 * @param storageHandlers the storage drivers it mounts ({@code 9p}, {@code local}, ..., {@code overlayfs})
 */
public record GuestDetails(String agentVersion, List<String> storageHandlers) {
    /** The storage driver of later Kata agents that stack a writable overlay over a read-only lower layer. */
    public static final String OVERLAYFS = "overlayfs";

    public GuestDetails {
        storageHandlers = List.copyOf(storageHandlers);
    }

    /** Whether the agent reports storage driver {@code driver}. */
    public boolean handlesStorage(String driver) {
        return storageHandlers.contains(driver);
    }
}
