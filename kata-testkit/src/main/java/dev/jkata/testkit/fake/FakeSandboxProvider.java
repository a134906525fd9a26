package dev.jkata.testkit.fake;

import dev.jkata.api.Sandbox;
import dev.jkata.api.spi.SandboxProvider;
import dev.jkata.api.SandboxSpec;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * A FAKE sandbox provider for fast unit tests: its sandboxes are not virtual machines, and the commands they
 * run are <strong>ordinary processes on the host, with the test's own user and no isolation whatsoever</strong>.
 * A command that writes to {@code /etc} writes to the host's {@code /etc}; only relative paths land in the
 * fake's temporary directory. Never give it untrusted input; use it where a test wants the API's behaviour
 * (states, streams, exit codes, timeouts) in milliseconds instead of a VM boot.
 *
 * <pre>{@code
 * try (Sandbox sb = Sandbox.builder().provider(new FakeSandboxProvider()).start()) {
 *     sb.run("echo", "hi");   // runs /bin/echo on the host
 * }
 * }</pre>
 *
 * <p>It is deliberately not registered with {@link java.util.ServiceLoader}, and its {@link #priority()} is
 * below the real provider's, so it is only ever used when chosen explicitly. See {@link FakeSandbox} for what
 * it emulates and what it ignores.
 */
public final class FakeSandboxProvider implements SandboxProvider {
    /** Lower than the real VM provider's 10: a fake never wins by accident. */
    public static final int PRIORITY = 0;

    private final Path workRoot;

    /** Sandboxes get their directories under the system's temporary directory. */
    public FakeSandboxProvider() {
        this.workRoot = null;
    }

    /** Sandboxes get their directories under {@code workRoot} (which must exist). */
    public FakeSandboxProvider(Path workRoot) {
        this.workRoot = Objects.requireNonNull(workRoot, "workRoot");
    }

    /** Always true: the fake needs nothing but the JDK and the host's programs. */
    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public int priority() {
        return PRIORITY;
    }

    /** Starts a fake sandbox: a temporary directory and no VM. Takes milliseconds. */
    @Override
    public Sandbox start(SandboxSpec spec) {
        return FakeSandbox.start(spec, Optional.ofNullable(workRoot));
    }

    @Override
    public String toString() {
        return "FakeSandboxProvider[host processes, no isolation]";
    }
}
