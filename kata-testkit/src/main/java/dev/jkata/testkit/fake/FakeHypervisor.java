package dev.jkata.testkit.fake;

import dev.jkata.core.guest.Guest;
import dev.jkata.core.guest.GuestLauncher;
import dev.jkata.core.guest.GuestRequest;
import java.nio.file.Path;
import java.util.List;

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
    private final boolean kata1x;

    /** The in-process agent as it is: jkata's. */
    public FakeHypervisor() {
        this(false);
    }

    private FakeHypervisor(boolean kata1x) {
        this.kata1x = kata1x;
    }

    /**
     * The in-process agent made to answer as the upstream Kata 1.x agent does where a host can tell the two apart:
     * WaitProcess closes the process's streams and forgets it (unread output is gone), and no jkata feature is
     * advertised. For testing code that must work against the upstream agent.
     */
    public static FakeHypervisor shapedAsKata1x() {
        return new FakeHypervisor(true);
    }

    /** The host's root: fake container processes run on the host, so that is what they see. Never written. */
    @Override
    public Path defaultRootfs() {
        return Path.of("/");
    }

    /** Starts the in-process agent and its socket; takes milliseconds. */
    @Override
    public Guest launch(GuestRequest request) {
        return InProcessAgentGuest.start(request, kata1x ? List.of(new Kata1xAgentShape()) : List.of());
    }

    @Override
    public String toString() {
        return "FakeHypervisor[in-process " + (kata1x ? "agent shaped as Kata 1.x's" : "agent") + ", host processes, no isolation]";
    }
}
