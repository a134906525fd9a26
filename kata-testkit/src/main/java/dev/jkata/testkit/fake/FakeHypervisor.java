package dev.jkata.testkit.fake;

import dev.jkata.core.guest.Guest;
import dev.jkata.core.guest.GuestLauncher;
import dev.jkata.core.guest.GuestRequest;
import java.nio.file.Path;

/**
 * A FAKE hypervisor: it launches no virtual machine. Each "guest" is kata-agent's real agent (its gRPC
 * services, yamux server and container bookkeeping) running inside this JVM, behind a UNIX socket in the
 * sandbox's state directory, with {@link dev.jkata.agent.fakes.FakeContainerRuntime} in place of crun: every
 * container process is <strong>an ordinary host process, run as the test's user, with no isolation</strong>.
 * Nothing is mounted (shares and container root file systems are accepted and ignored).
 *
 * <p>The host side is the real one: the sandbox connects with kata-core's agent client, gRPC over yamux, and processes are kata-core's shim objects. So a test through this fake sees the
 * real protocol's behaviour (exit codes, 127 for a missing program, streams and back-pressure, signals,
 * terminals, timeouts and typed errors) at 30 to 40 ms per sandbox start instead of a VM boot (the first start in
 * a JVM takes about a second, loading classes).
 *
 * <p>Made by {@link FakeHypervisorProvider}; the sandbox API is unchanged:
 * <pre>{@code
 * try (Sandbox sb = Sandbox.builder().provider(new FakeHypervisorProvider()).start()) {
 *     sb.run("echo", "hi");   // the real agent protocol, a HOST process
 * }
 * }</pre>
 */
public final class FakeHypervisor implements GuestLauncher {

    /** The host's root: fake container processes run on the host, so that is what they see. Never written. */
    @Override
    public Path defaultRootfs() {
        return Path.of("/");
    }

    /** Starts the in-process agent and its socket; takes milliseconds. */
    @Override
    public Guest launch(GuestRequest request) {
        return InProcessAgentGuest.start(request);
    }

    @Override
    public String toString() {
        return "FakeHypervisor[in-process agent, host processes, no isolation]";
    }
}
