package dev.jkata.api;

import java.util.EnumSet;
import java.util.Set;

/** The life of a sandbox, with the transitions that are legal. */
public enum SandboxState {
    /** Configured, nothing started. */
    CREATED,
    /** The VM is booting and the agent is not answering yet. */
    STARTING,
    /** The agent answers; containers and processes can run. */
    RUNNING,
    /** Being torn down. */
    STOPPING,
    /** Torn down; every resource released. */
    STOPPED,
    /** The VM died or failed to start; {@code close()} still releases everything. */
    FAILED;

    /** The states this one may move to. */
    public Set<SandboxState> next() {
        return switch (this) {
            case CREATED -> EnumSet.of(STARTING, STOPPED, FAILED);
            case STARTING -> EnumSet.of(RUNNING, STOPPING, FAILED);
            case RUNNING -> EnumSet.of(STOPPING, FAILED);
            case STOPPING -> EnumSet.of(STOPPED, FAILED);
            case STOPPED -> EnumSet.noneOf(SandboxState.class);
            case FAILED -> EnumSet.of(STOPPING, STOPPED);
        };
    }

    public boolean canMoveTo(SandboxState to) {
        return next().contains(to);
    }
}
