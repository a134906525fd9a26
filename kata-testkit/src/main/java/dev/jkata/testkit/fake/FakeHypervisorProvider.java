package dev.jkata.testkit.fake;

import dev.jkata.core.guest.GuestLauncher;
import dev.jkata.core.sandbox.GuestSandboxProvider;
import java.util.Locale;

/**
 * A FAKE sandbox provider for fast unit tests that should still go through the real agent protocol: each
 * sandbox's guest is the real agent inside this JVM ({@link FakeHypervisor}), and its commands are
 * <strong>ordinary host processes with no isolation</strong>. Never give it untrusted input.
 *
 * <p>Compared with {@link FakeSandboxProvider} (which has no agent at all and emulates a container's {@code /}
 * and shares in a temporary directory), this one exercises the real host stack (agent client, yamux, proxy
 * socket, shim) and the real agent's services, but emulates no file system: a command's working directory is an
 * empty directory of the fake guest, and absolute paths are the host's.
 *
 * <p>Not registered with {@link java.util.ServiceLoader}; its {@link #priority()} is below the real provider's,
 * so it is used only when chosen explicitly. Linux only (UNIX sockets, and the host's programs).
 */
public final class FakeHypervisorProvider extends GuestSandboxProvider {
    /** Lower than the real VM provider's 10: a fake never wins by accident. */
    public static final int PRIORITY = 0;

    /** True on Linux, where the fake's processes, pty and sockets work. */
    @Override
    public boolean isAvailable() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("linux");
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    private final boolean kata1x;

    /** The in-process agent as it is: jkata's. */
    public FakeHypervisorProvider() {
        this(false);
    }

    private FakeHypervisorProvider(boolean kata1x) {
        this.kata1x = kata1x;
    }

    /** Sandboxes whose agent answers as the upstream Kata 1.x agent does (see {@link FakeHypervisor#shapedAsKata1x()}). */
    public static FakeHypervisorProvider shapedAsKata1x() {
        return new FakeHypervisorProvider(true);
    }

    @Override
    protected GuestLauncher launcher() {
        return kata1x ? FakeHypervisor.shapedAsKata1x() : new FakeHypervisor();
    }

    @Override
    public String toString() {
        return "FakeHypervisorProvider[in-process " + (kata1x ? "agent shaped as Kata 1.x's" : "agent") + ", host processes, no isolation]";
    }
}
