package dev.jkata.testkit.fake;

import dev.jkata.api.KataTimeoutException;

import dev.jkata.api.spi.ContainerRoots;
import dev.jkata.agent.container.ExecutableLookup;
import dev.jkata.image.config.ImageUsers;

import dev.jkata.api.Container;
import dev.jkata.api.ContainerSpec;
import dev.jkata.api.ExecProcess;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.api.SandboxSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A fake container: a host directory standing in for its {@code /}, and host processes started in it. See
 * {@link FakeSandbox} for what is emulated.
 */
final class FakeContainer implements Container {
    private static final String DEFAULT_PATH = "/usr/local/bin:/usr/bin:/bin";

    private final FakeSandbox sandbox;
    private final String id;
    private final Path root;
    private final ContainerSpec spec;
    private final Map<String, String> sandboxEnv;
    private final Set<FakeExecProcess> live = ConcurrentHashMap.newKeySet();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final AtomicLong execCount = new AtomicLong();
    private volatile FakeExecProcess init; // a job container's own process (a host process here, not PID 1)

    private FakeContainer(FakeSandbox sandbox, String id, Path root, ContainerSpec spec, Map<String, String> sandboxEnv) {
        this.sandbox = sandbox;
        this.id = id;
        this.root = root;
        this.spec = spec;
        this.sandboxEnv = sandboxEnv;
    }

    /** Makes the container's directory and places the sandbox's shares in it. */
    static FakeContainer create(FakeSandbox sandbox, String id, Path root, ContainerSpec cs, SandboxSpec sandboxSpec) {
        if (cs.image().isPresent()) {
            throw new InvalidConfigurationException("image", "the HOST fake runs host processes and cannot run the"
                    + " container image " + cs.image().get() + "; use a real sandbox (or Fake.AGENT) for images");
        }
        Optional<Path> firstRoot = sandboxSpec.container().rootfs();
        // the same rule as a real sandbox's, though the fake then ignores the root it was given
        cs.rootfs().filter(r -> !r.equals(firstRoot.orElse(null)))
                .ifPresent(r -> ContainerRoots.checked(sandboxSpec, firstRoot.map(Path::toString).orElse("the built-in root"), r));
        checkUser(cs.user());
        try {
            Files.createDirectories(root);
            for (SandboxSpec.Share share : sandboxSpec.shares()) {
                Path target = inside(root, share.guestPath(), "share");
                if (target.equals(root)) {
                    throw new InvalidConfigurationException("share", "a fake sandbox cannot share a directory at /");
                }
                Files.createDirectories(target.getParent());
                if (share.readOnly()) {
                    TempTree.copy(share.hostPath(), target);
                } else {
                    Files.createSymbolicLink(target, share.hostPath().toAbsolutePath());
                }
            }
        } catch (IOException e) {
            throw new KataException(KataErrorReason.IO, "cannot prepare the fake container's directory " + root + ": "
                    + e.getMessage(), sandbox.id(), e);
        }
        FakeContainer c = new FakeContainer(sandbox, id, root, cs, sandboxSpec.env());
        cs.process().ifPresent(p -> c.init = c.start(p)); // a job: its own process, started with it
        return c;
    }

    @Override
    public Optional<ExecProcess> init() {
        return Optional.ofNullable(init);
    }

    /** Maps a container path onto the container's host directory, refusing paths that climb out of it. */
    static Path inside(Path root, String containerPath, String field) {
        String relative = containerPath.replaceFirst("^/+", "");
        Path p = root.resolve(relative).normalize();
        if (!p.startsWith(root)) {
            throw new InvalidConfigurationException(field, "'" + containerPath + "' leaves the container's root");
        }
        return p;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public ExecProcess exec(ExecSpec exec) {
        if (closed.get()) {
            throw new KataException(KataErrorReason.ILLEGAL_STATE, "container " + id + " is closed", sandbox.id(), null);
        }
        return sandbox.whileRunning("exec", () -> start(exec));
    }

    /**
     * A user name must exist in the host's /etc/passwd (the HOST fake's root is the host's), as in a real sandbox's
     * root file system; the process still runs as the test's own user.
     */
    private static void checkUser(String user) {
        if (!user.isEmpty()) {
            ImageUsers.resolve(Path.of("/"), user, "the host's (the HOST fake's root)");
        }
    }

    private FakeExecProcess start(ExecSpec exec) {
        exec.user().ifPresent(FakeContainer::checkUser);
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", System.getenv().getOrDefault("PATH", DEFAULT_PATH));
        env.put("HOME", root.toString());
        env.putAll(sandboxEnv);
        env.putAll(spec.env());
        env.putAll(exec.env());
        String cwd = exec.workdir().orElse(spec.workdir().isEmpty() ? "/" : spec.workdir());
        Path dir = inside(root, cwd, "workdir");
        String execId = id + "-" + execCount.incrementAndGet();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new KataException(KataErrorReason.IO, "cannot create the working directory " + dir, sandbox.id(), e);
        }
        String name = exec.command().get(0);
        // the agent's own lookup, with the host's / as the root: the same 127 and 126 as a real sandbox
        ExecutableLookup.Result found = ExecutableLookup.find(Path.of("/"), name, env.get("PATH"), dir.toString());
        FakeExecProcess p;
        if (!found.found()) {
            p = FakeExecProcess.notStarted(execId, found.exitStatus(), "fake sandbox: " + found.message(name), this::forget);
        } else {
            List<String> argv = new ArrayList<>(exec.command());
            argv.set(0, found.program().get());
            ProcessBuilder pb = new ProcessBuilder(argv).directory(dir.toFile()).redirectErrorStream(exec.terminal());
            pb.environment().clear();
            pb.environment().putAll(env);
            try {
                p = FakeExecProcess.started(execId, pb.start(), exec.terminal(), this::forget);
            } catch (IOException e) {
                p = FakeExecProcess.notStarted(execId, ExecutableLookup.NOT_EXECUTABLE,
                        "fake sandbox: " + name + ": cannot execute\n", this::forget);
            }
        }
        live.add(p);
        FakeExecProcess started = p;
        exec.timeout().ifPresent(t -> dev.jkata.api.spi.ExecDeadlines.killAfter(started, t, started.onExit()));
        return p;
    }

    private void forget(FakeExecProcess p) {
        live.remove(p);
    }

    /** Kills every process of this container (the sandbox is closing). */
    void killAll() {
        for (FakeExecProcess p : live) {
            p.close();
        }
    }

    /** Tells every live process's waiters {@code why} (the sandbox's deadline) before the sandbox kills them. */
    void expireProcesses(KataTimeoutException why) {
        live.forEach(p -> p.expire(why));
    }

    /** The directory standing in for this container's {@code /}. */
    Path root() {
        return root;
    }

    @Override
    public dev.jkata.api.ContainerFiles files() {
        return sandbox.files(id);
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        killAll();
        sandbox.removed(this);
    }

    @Override
    public String toString() {
        return "FakeContainer[" + id + " in " + root + "]";
    }
}
