package dev.jkata.agent.client;

import dev.jkata.agent.protocol.features.AgentFeature;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.List;

/**
 * What Kata's GetGuestDetails says of the agent: its version and the storage drivers it handles (AgentDetails'
 * {@code storage_handlers}), which is how a Kata agent says what it can do.
 *
 * @param agentVersion    the agent's version, as it reports it
 * @param storageHandlers the storage drivers it mounts ({@code 9p}, {@code local}, ..., {@code overlayfs})
 * @param features        what it does beyond Kata 1.x's behaviour (jkata's extension; empty for an upstream agent)
 */
public record GuestDetails(String agentVersion, List<String> storageHandlers, Set<AgentFeature> features) {
    /** The storage driver of later Kata agents that stack a writable overlay over a read-only lower layer. */
    public static final String OVERLAYFS = "overlayfs";
    private static final int MAX_HANDLERS = 64;
    private static final int MAX_HANDLER_NAME = 64;

    public GuestDetails {
        storageHandlers = List.copyOf(storageHandlers);
        features = features.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(features));
    }

    /** An agent that advertises no features beyond Kata 1.x's. */
    public GuestDetails(String agentVersion, List<String> storageHandlers) {
        this(agentVersion, storageHandlers, Set.of());
    }

    /**
     * What the guest sent, bounded: at most {@value #MAX_HANDLERS} driver names of at most {@value #MAX_HANDLER_NAME}
     * characters (longer ones are dropped), each made printable, as the agent's error texts are.
     */
    static GuestDetails from(dev.jkata.agent.protocol.proto.AgentDetails details) {
        List<String> handlers = details.getStorageHandlersList().stream().limit(MAX_HANDLERS)
                .filter(h -> h.length() <= MAX_HANDLER_NAME).map(AgentErrors::describe).toList();
        // parse() keeps only the names this build knows: a hostile list costs a bounded scan, nothing more
        Set<AgentFeature> features = AgentFeature.parse(details.getJkataFeaturesList().stream().limit(MAX_HANDLERS).toList());
        return new GuestDetails(AgentErrors.describe(details.getVersion()), handlers, features);
    }

    /** Whether the agent advertises {@code feature}. */
    public boolean has(AgentFeature feature) {
        return features.contains(feature);
    }

    /** Whether the agent reports storage driver {@code driver}. */
    public boolean handlesStorage(String driver) {
        return storageHandlers.contains(driver);
    }
}
