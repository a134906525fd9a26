package dev.jkata.core.sandbox;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.api.Sandbox;
import java.util.Objects;

/**
 * What the engine offers beyond the user API for fault trials, benchmarks and diagnosing a wedged sandbox: the
 * hypervisor's pid, the console's last lines, one agent round trip, a guest crash on purpose. Not part of kata-api on
 * purpose: only jkata's own sandboxes (an agent over a guest seam: QEMU, or the agent fake) can do these; for any
 * other sandbox each query answers empty and each action throws. The benchmarks read everything through here, never
 * through private fields or file names.
 */
public final class Diagnostics {
    private Diagnostics() {}

    /**
     * Crashes {@code sandbox}'s guest kernel (a non-maskable interrupt it panics on). Every call in flight then fails
     * with the VM's end, its console saying it panicked; {@code close()} still cleans up.
     *
     * @throws KataException (ILLEGAL_STATE) for a sandbox that is not a jkata VM, or is closed
     */
    public static void crashGuest(Sandbox sandbox) {
        Objects.requireNonNull(sandbox, "sandbox");
        if (!(sandbox instanceof AgentSandbox a)) {
            throw new KataException(KataErrorReason.ILLEGAL_STATE, sandbox.getClass().getName()
                    + " is not a jkata VM sandbox; only those can be crashed on purpose");
        }
        a.crashGuest();
    }

    /** Whether {@code sandbox} was started ahead and taken from the pool ({@code SandboxBuilder.pool}). */
    public static boolean fromPool(Sandbox sandbox) {
        return sandbox instanceof AgentSandbox a && a.fromPool();
    }

    /** Whether {@code sandbox}'s guest was cloned from its configuration's VM template. */
    public static boolean cloned(Sandbox sandbox) {
        return sandbox instanceof AgentSandbox a && a.cloned();
    }

    /** The hypervisor's host process id (QEMU's), while the sandbox runs; empty before and once it is closing. */
    public static java.util.OptionalLong hypervisorPid(Sandbox sandbox) {
        return sandbox instanceof AgentSandbox a && a.guest() != null && a.state() == dev.jkata.api.SandboxState.RUNNING
                ? a.guest().hypervisorPid() : java.util.OptionalLong.empty();
    }

    /** The last {@code lines} lines of the guest's serial console (kernel, init and agent lines). */
    public static java.util.List<String> consoleTail(Sandbox sandbox, int lines) {
        if (lines < 1) {
            throw new dev.jkata.api.InvalidConfigurationException("lines", "must be at least 1, not " + lines);
        }
        return sandbox instanceof AgentSandbox a && a.guest() != null ? a.guest().consoleTail(lines) : java.util.List.of();
    }

    /**
     * One gRPC round trip to the agent (Health.Check), timed; how long the agent takes to answer when nothing else is
     * asked of it.
     *
     * @throws KataException (ILLEGAL_STATE) for a sandbox that is not a jkata one or is not running; the agent's own
     *         failure (TIMEOUT, AGENT_FAILED) when it does not answer within {@code timeout}
     */
    public static java.time.Duration agentRoundTrip(Sandbox sandbox, java.time.Duration timeout) {
        AgentSandbox a = running(sandbox, "time an agent round trip");
        long t0 = System.nanoTime();
        a.agent().awaitReady(timeout, () -> null);
        return java.time.Duration.ofNanos(System.nanoTime() - t0);
    }

    /** One yamux ping to the guest over the sandbox's session, timed: the transport's floor under every RPC. */
    public static java.time.Duration yamuxPing(Sandbox sandbox, java.time.Duration timeout) throws InterruptedException {
        AgentSandbox a = running(sandbox, "ping");
        return a.agent().ping(timeout);
    }

    private static AgentSandbox running(Sandbox sandbox, String what) {
        Objects.requireNonNull(sandbox, "sandbox");
        if (!(sandbox instanceof AgentSandbox a)) {
            throw new KataException(KataErrorReason.ILLEGAL_STATE, sandbox.getClass().getName()
                    + " is not a jkata sandbox; only those can " + what);
        }
        a.requireRunning(what);
        return a;
    }
}
