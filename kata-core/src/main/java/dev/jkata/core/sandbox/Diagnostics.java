package dev.jkata.core.sandbox;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.api.Sandbox;
import java.util.Objects;

/**
 * What the engine offers beyond the user API for fault trials and for diagnosing a wedged sandbox. Not part of
 * kata-api on purpose: only jkata's own sandboxes (QEMU-backed) can do these, and a test fake cannot pretend to.
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
}
