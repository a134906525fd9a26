package dev.jkata.testkit.fake;

import dev.jkata.api.KataTimeoutException;


import dev.jkata.api.Container;
import dev.jkata.api.ContainerSpec;
import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.api.Sandbox;
import dev.jkata.api.spi.SandboxLifecycle;
import dev.jkata.api.spi.Teardown;
import dev.jkata.api.SandboxSpec;
import dev.jkata.api.SandboxState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A FAKE sandbox: no virtual machine, and <strong>no isolation</strong>. Every command runs as a process on the
 * host, as the user running the tests. Made by {@link FakeSandboxProvider}.
 *
 * <p>What it emulates:
 * <ul>
 *   <li>the states and their transitions; any call after {@link #close()} throws
 *       {@link IllegalSandboxStateException}; {@code close()} is idempotent;</li>
 *   <li>each container gets its own temporary directory standing in for its {@code /}: the working directory
 *       {@code /} is that directory and {@code /x} is {@code x} under it (absolute paths in the command itself
 *       still mean the host's files);</li>
 *   <li>the environment: the host's {@code PATH}, {@code HOME} set to the container's directory, then the
 *       sandbox's, the container's and the command's variables; nothing else of the host's environment;</li>
 *   <li>shares: a read-only share is copied to its guest path under the container's directory (writes land in
 *       the copy, never in the host directory); a writable share is a symbolic link to the host directory;</li>
 *   <li>exit codes (127 for a program that is not found, 126 for one that cannot be executed, 128+N after
 *       signal N), capture limits, timeouts that kill the process and its descendants, streamed stdio.</li>
 * </ul>
 * What it checks as a real sandbox does, then ignores: a later container's own root file system (refused unless
 * under {@code containerRoots}, as in a VM) and the user (a name must exist in the host's /etc/passwd; the command
 * still runs as the test's user). What it ignores: memory, CPUs, the accelerator, kernel and image settings, and
 * terminals (there is no pty; with
 * {@code terminal(true)} standard error is merged into standard output).
 *
 * <p>{@link #close()} kills every process it started (with their descendants) and deletes its directory.
 * A process that daemonizes (double fork) escapes that, as it would escape any host supervisor.
 */
public final class FakeSandbox implements Sandbox {
    private static final Logger LOG = LoggerFactory.getLogger(FakeSandbox.class);

    private final String id;
    private final SandboxSpec spec;
    private final Path directory;
    private final Map<String, FakeContainer> containers = new ConcurrentHashMap<>();
    private final SandboxLifecycle lifecycle;
    private FakeContainer defaultContainer;
    private Duration bootTime = Duration.ZERO;
    private java.util.concurrent.ScheduledFuture<?> deadlineTimer;
    /** The file protocol's agent end, served on a socket in this sandbox's directory, and the host's channel to it. */
    private InProcessDataPort filePort;
    private dev.jkata.core.channel.DataChannel fileChannel;

    private FakeSandbox(String id, SandboxSpec spec, Path directory) {
        this.id = id;
        this.lifecycle = new SandboxLifecycle(id);
        this.spec = spec;
        this.directory = directory;
    }

    static FakeSandbox start(SandboxSpec spec, Optional<Path> workRoot) {
        if (spec.network().isNat() || spec.network() instanceof dev.jkata.api.Network.Namespace || !spec.ports().isEmpty()) {
            throw new InvalidConfigurationException(spec.ports().isEmpty() ? "network" : "publish", "the HOST fake runs"
                    + " host processes on the host's own network and cannot give them a network or publish their ports;"
                    + " use a real sandbox for networking");
        }
        long t0 = System.nanoTime();
        String id = "fake-" + randomHex();
        Path dir;
        try {
            String prefix = "kata-" + id + "-";
            dir = workRoot.isPresent() ? Files.createTempDirectory(workRoot.get(), prefix) : Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new KataException(KataErrorReason.IO, "cannot create the fake sandbox's directory: " + e.getMessage(), id, e);
        }
        FakeSandbox sb = new FakeSandbox(id, spec, dir);
        sb.move(SandboxState.STARTING);
        try {
            sb.defaultContainer = sb.newContainer(spec.container());
            sb.bootTime = Duration.ofNanos(System.nanoTime() - t0);
            sb.move(SandboxState.RUNNING);
            spec.deadline().ifPresent(d -> sb.deadlineTimer = dev.jkata.api.spi.SandboxDeadlines.schedule(id, d, () -> sb.expire(d)));
            LOG.debug("Fake sandbox {} running in {} (host processes, no isolation)", id, dir);
            return sb;
        } catch (RuntimeException e) {
            sb.lifecycle.fail();
            try {
                sb.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    static String randomHex() {
        return String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
    }

    /** The host directory holding this sandbox's container directories; gone after {@link #close()}. */
    public Path directory() {
        return directory;
    }

    /** The spec this sandbox was started from (a test may check what an extension or builder asked for). */
    public SandboxSpec spec() {
        return spec;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public SandboxState state() {
        return lifecycle.state();
    }

    @Override
    public Container container() {
        requireRunning("container()");
        return defaultContainer;
    }

    @Override
    public Container createContainer(ContainerSpec cs) {
        return whileRunning("createContainer", () -> newContainer(cs));
    }

    @Override
    public List<Container> containers() {
        return List.copyOf(containers.values());
    }

    /** The HOST fake publishes nothing (see {@link #start}). */
    @Override
    public java.net.InetSocketAddress publishedAddress(int guestPort) {
        throw new InvalidConfigurationException("guestPort", "port " + guestPort + " is not published: the HOST fake publishes no ports");
    }

    @Override
    public Duration bootTime() {
        return bootTime;
    }

    private FakeContainer newContainer(ContainerSpec cs) {
        String cid = randomHex();
        FakeContainer c = FakeContainer.create(this, cid, directory.resolve("c-" + cid), cs, spec);
        containers.put(cid, c);
        return c;
    }

    void removed(FakeContainer c) {
        containers.remove(c.id());
    }

    /**
     * Runs {@code action} only while the sandbox is running, holding the state still meanwhile, so a process
     * cannot start after {@link #close()} has begun to kill them.
     */
    <T> T whileRunning(String operation, Supplier<T> action) {
        return lifecycle.whileRunning(operation, action);
    }

    void requireRunning(String operation) {
        lifecycle.requireRunning(operation);
    }

    private void move(SandboxState to) {
        lifecycle.moveTo(to);
    }

    private void expire(Duration deadline) {
        if (!lifecycle.beginClose()) {
            return;
        }
        KataTimeoutException why = dev.jkata.api.spi.SandboxDeadlines.passed(id, deadline);
        containers.values().forEach(c -> c.expireProcesses(why));
        closeBegun();
    }

    /**
     * Container {@code cid}'s files, through the same file protocol a VM's agent serves, over a socket in this
     * sandbox's directory: its directory stands in for its {@code /}.
     */
    synchronized dev.jkata.api.ContainerFiles files(String cid) {
        requireRunning("files");
        if (fileChannel == null) {
            try {
                filePort = new InProcessDataPort(directory.resolve("files.sock"), c -> {
                    FakeContainer fc = containers.get(c);
                    if (fc == null) {
                        throw dev.jkata.agent.errors.AgentException.notFound("container " + c + " not found");
                    }
                    return fc.root();
                }, "kata-fake-files-" + id);
            } catch (IOException e) {
                throw new KataException(KataErrorReason.IO, "the fake cannot serve files: " + e.getMessage(), id, e);
            }
            fileChannel = dev.jkata.core.channel.DataChannel.connect(filePort.socket(),
                    dev.jkata.agent.protocol.yamux.YamuxStream::reset, id);
        }
        dev.jkata.core.channel.DataChannel ch = fileChannel;
        return new dev.jkata.core.files.SandboxFiles(() -> ch, cid, id, () -> requireRunning("a file operation"));
    }

    /** Kills every process this sandbox started and deletes its directory. Idempotent. */
    @Override
    public void close() {
        if (!lifecycle.beginClose()) {
            return;
        }
        closeBegun();
    }

    private void closeBegun() {
        if (deadlineTimer != null) {
            deadlineTimer.cancel(false);
        }
        Teardown t = new Teardown(id);
        synchronized (this) {
            if (fileChannel != null) {
                t.step(fileChannel::close);
                t.step(filePort::close);
            }
        }
        for (FakeContainer c : containers.values()) {
            t.step(c::killAll);
        }
        containers.clear();
        t.step(() -> TempTree.delete(directory));
        lifecycle.closed();
        t.finish();
    }

    @Override
    public String toString() {
        return "FakeSandbox[" + id + ", " + state() + ", host processes, no isolation]";
    }
}
