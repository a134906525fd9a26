package dev.jkata.core.sandbox;

import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxProvider;
import dev.jkata.api.SandboxSpec;
import dev.jkata.core.guest.GuestLauncher;

/**
 * A provider whose sandboxes run in guests from a {@link GuestLauncher}, driven through the real agent client,
 * proxy and shim. {@link QemuSandboxProvider} is one; a launcher of another kind (the testkit's fake
 * hypervisor) makes another by naming its launcher and priority.
 */
public abstract class GuestSandboxProvider implements SandboxProvider {

    /** The launcher for the next sandbox. */
    protected abstract GuestLauncher launcher();

    /**
     * Launches a guest, waits for its agent and creates the default container; on any failure stops the guest
     * and removes the sandbox's state directory before throwing.
     */
    @Override
    public final Sandbox start(SandboxSpec spec) {
        return AgentSandbox.start(spec, launcher());
    }
}
