package dev.jkata.agent.protocol.features;

import java.util.List;

/**
 * jkata's idle init: what PID 1 of a container is when the container exists only to run commands beside it (the SDK's
 * default container). It comes from the guest image, never from the user's image: an agent with
 * {@link AgentFeature#IDLE_INIT} binds the guest's static busybox read-only (nosuid, nodev) at {@link #PROGRAM} in
 * every container, where no image can shadow it, and the init is its {@code sleep} applet, sleeping until the
 * container is removed.
 */
public final class IdleInit {
    /** The directory jkata owns in every container of an agent with {@link AgentFeature#IDLE_INIT}. */
    public static final String DIRECTORY = "/.jkata";
    /** The program: the guest's busybox, bound read-only. */
    public static final String PROGRAM = DIRECTORY + "/busybox";
    /** The guest image's busybox, which the agent binds at {@link #PROGRAM}. */
    public static final String GUEST_SOURCE = "/bin/busybox";
    /** The init's command line. */
    public static final List<String> ARGS = List.of(PROGRAM, "sleep", "2147483647");

    private IdleInit() {
    }

    /** Whether {@code program} is one of jkata's own, inside {@link #DIRECTORY}: found there by the runtime, not in the image. */
    public static boolean owns(String program) {
        return program.startsWith(DIRECTORY + "/");
    }
}
