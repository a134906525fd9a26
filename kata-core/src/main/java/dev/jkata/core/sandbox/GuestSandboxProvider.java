package dev.jkata.core.sandbox;

import dev.jkata.api.Sandbox;
import dev.jkata.api.spi.SandboxProvider;
import dev.jkata.api.SandboxSpec;
import dev.jkata.core.guest.GuestLauncher;
import dev.jkata.core.pool.SandboxPool;

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
     * and removes the sandbox's state directory before throwing. A spec with a {@link SandboxSpec#pool() pool}
     * takes a sandbox started ahead when one is ready.
     */
    @Override
    public final Sandbox start(SandboxSpec spec) {
        return SandboxPool.shared().start(spec, s -> AgentSandbox.start(s, launcher()),
                s -> AgentSandbox.startAhead(s, launcher()), AgentSandbox::takeFromPool);
    }
}
