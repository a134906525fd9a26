package dev.jkata.cli.oci;

import dev.jkata.api.ContainerSpec;
import dev.jkata.api.ExecProcess;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.MemorySize;
import dev.jkata.api.Network;
import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxBuilder;
import dev.jkata.cli.Pump;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The long-lived process behind one container (Kata 1.x's shim and proxy in one JVM): {@code create} starts it with
 * the engine's standard streams as its own, it boots the sandbox with the bundle's root file system, then waits on
 * its control socket. {@code start} runs the bundle's process with those streams; when that process ends the daemon
 * records the status, closes the sandbox and exits with the process's code, so the engine's monitor (conmon,
 * containerd's shim), which reaps this pid, reads the container's exit status. If the daemon is killed, QEMU goes
 * with it (its parent-death signal).
 */
public final class SandboxDaemon {
    private static final Logger log = LoggerFactory.getLogger(SandboxDaemon.class);

    private final ContainerDir dir;
    private final OciBundle bundle;
    private final Hooks hooks;
    private final java.util.Optional<Path> consoleSocket;
    private Pty pty;
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Object lock = new Object();
    private Sandbox sandbox;
    /** Whether the VM boots at start ({@link BundleMapping#bootsAtStart}): until then there is no sandbox. */
    private boolean bootAtStart;
    /** The file in the container's directory that says its {@code start} boots the VM (and so may take long). */
    static final String BOOTS_AT_START = "boots-at-start";
    private ExecProcess process;
    private Thread stdout;
    private Thread stderr;
    private volatile int exitCode = -1;
    /** For a pod's sandbox container: its members' roots, and the guest containers they run in. */
    private PodRoots podRoots;
    private final java.util.Map<String, dev.jkata.api.Container> members = new java.util.HashMap<>();
    /** Members that joined but have not started: their container is made, as a job, when their process starts. */
    private final java.util.Map<String, ContainerSpec> joined = new java.util.HashMap<>();
    /** The container the bundle's process is PID 1 of, from {@code start} on; exec and update go to it. */
    private dev.jkata.api.Container job;

    private SandboxDaemon(ContainerDir dir, OciBundle bundle, java.util.Optional<Path> consoleSocket) {
        this.dir = dir;
        this.bundle = bundle;
        this.consoleSocket = consoleSocket;
        this.hooks = Hooks.read(bundle.dir());
    }

    /** prestart and createRuntime, on the host, once the container's VM is up: a failure fails the create. */
    static void runCreateHooks(ContainerDir dir, OciBundle bundle, Hooks hooks) {
        hooks.warnInGuest();
        var state = Hooks.state(dir.id(), "creating", ProcessHandle.current().pid(), bundle.dir(), bundle.annotations());
        Hooks.runAll("prestart", hooks.prestart(), state);
        Hooks.runAll("createRuntime", hooks.createRuntime(), state);
    }

    /** poststart, once the process runs: a failure is logged. */
    static void runPoststart(ContainerDir dir, OciBundle bundle, Hooks hooks) {
        Hooks.runLogged("poststart", hooks.poststart(),
                Hooks.state(dir.id(), "running", ProcessHandle.current().pid(), bundle.dir(), bundle.annotations()));
    }

    /** {@code SandboxDaemon ROOT ID BUNDLE [CONSOLE-SOCKET]}: started by {@code kata-runtime create}, not by hand. */
    public static void main(String[] args) {
        ContainerDir dir = ContainerDir.open(Path.of(args[0]), args[1]);
        int code;
        try {
            OciBundle bundle = OciBundle.read(Path.of(args[2]));
            java.util.Optional<Path> console = args.length > 3 ? java.util.Optional.of(Path.of(args[3])) : java.util.Optional.empty();
            java.util.Optional<String> pod = Pods.sandboxOf(bundle.annotations(), dir.id());
            code = pod.isPresent() ? new PodMember(dir, bundle, console, pod.get()).run()
                    : new SandboxDaemon(dir, bundle, console).run();
        } catch (RuntimeException e) {
            log.error("the container's daemon failed", e);
            dir.writeError(e.getMessage() == null ? e.toString() : e.getMessage());
            code = 1;
        }
        System.out.flush();
        System.err.flush();
        System.exit(code); // not halt: a daemon training its class-data archive writes it at exit
    }

    int run() throws RuntimeFailure {
        pty = Pty.forEngine(bundle.process(), consoleSocket);
        bootAtStart = BundleMapping.bootsAtStart(bundle);
        try {
            if (bootAtStart) {
                log.info("container {}: its VM boots at start, in the network namespace the engine fills meanwhile", dir.id());
                dir.write(BOOTS_AT_START, "");
            } else {
                if (Pods.mayHostMembers(bundle.annotations())) {
                    podRoots = dir.podRoots().create();
                }
                sandbox = BundleMapping.builder(bundle, java.util.Optional.ofNullable(podRoots).map(PodRoots::dir)).start();
            }
        } catch (RuntimeException e) {
            if (podRoots != null) {
                podRoots.removeAll();
            }
            dir.writeError("the sandbox did not start: " + e.getMessage());
            log.error("the sandbox did not start", e);
            return 1;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(this::closeSandbox, "kata-runtime-shutdown"));
        OrphanWatch.start(dir, ProcessHandle.current().pid(), OrphanWatch.GRACE, OrphanWatch.EVERY, () -> System.exit(137));
        try {
            runCreateHooks(dir, bundle, hooks);
        } catch (RuntimeFailure e) {
            closeSandbox();
            dir.writeError(e.getMessage());
            return 1;
        }
        ServerSocketChannel server;
        try {
            server = Control.serve(dir.controlSocket(), this::handle, this::exec);
        } catch (java.io.IOException e) {
            closeSandbox();
            dir.writeError("cannot listen on " + dir.controlSocket() + ": " + e.getMessage());
            return 1;
        }
        dir.writeStatus(Status.CREATED, 0);
        log.info("container {} created{}", dir.id(), sandbox == null ? "" : ", sandbox " + sandbox.id() + " up");
        try {
            ended.await();
            ExecProcess p;
            synchronized (lock) {
                p = process;
            }
            if (p != null) {
                exitCode = p.waitFor(ExecSpec.MAX_TIMEOUT).code();
                // what the process wrote before it exited; a background child of it cannot hold the exit for long
                stdout.join(5_000);
                stderr.join(5_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            exitCode = 137;
        } catch (RuntimeException e) {
            log.error("waiting for the container's process failed", e);
            exitCode = 255;
        }
        synchronized (lock) {
            dir.writeStatus(Status.STOPPED, exitCode);
        }
        closeSandbox();
        try {
            server.close();
        } catch (java.io.IOException e) {
            // exiting anyway
        }
        return exitCode;
    }

    private String handle(String request) {
        String[] words = request.trim().split(" +");
        if (words[0].equals("start") && bootAtStart) {
            bootForStart(); // outside the lock: a kill meanwhile ends the container at once
        }
        synchronized (lock) {
            Status now = dir.status();
            switch (words[0]) {
                case "status":
                    return now.oci();
                case "start":
                    if (now != Status.CREATED) {
                        throw new RuntimeFailure("cannot start a container that is " + now.oci());
                    }
                    startProcess();
                    return "";
                case "pause":
                    if (now != Status.RUNNING) {
                        throw new RuntimeFailure("container " + dir.id() + " is not running (" + now.oci() + ")");
                    }
                    sandbox.pause();
                    dir.writeStatus(Status.PAUSED, 0);
                    return "";
                case "resume":
                    if (now != Status.PAUSED) {
                        throw new RuntimeFailure("container " + dir.id() + " is not paused (" + now.oci() + ")");
                    }
                    sandbox.resume();
                    dir.writeStatus(Status.RUNNING, 0);
                    return "";
                case "update":
                    if (sandbox == null) {
                        throw new RuntimeFailure("container " + dir.id() + " has no VM before it starts; update it after start");
                    }
                    limits(job != null ? job : sandbox.container(), request.trim().substring(words[0].length()).trim());
                    return "";
                case "update-in":
                    dev.jkata.api.Container member = members.get(words[1]);
                    if (member == null) {
                        throw new RuntimeFailure("container " + words[1] + " is not in pod " + dir.id());
                    }
                    limits(member, request.trim().substring(words[0].length() + words[1].length() + 2).trim());
                    return "";
                case "pod-create":
                    createMember(words[1], Path.of(request.trim().substring(words[0].length() + words[1].length() + 2)));
                    return "";
                case "pod-remove":
                    removeMember(words[1]);
                    return "";
                case "kill":
                    int signal = Integer.parseInt(words[1]);
                    if (now == Status.PAUSED) {
                        sandbox.resume(); // the signal reaches the process as soon as its VM runs again
                        dir.writeStatus(Status.RUNNING, 0);
                        now = Status.RUNNING;
                    }
                    if (now == Status.CREATED) {
                        exitCode = 128 + signal;
                        ended.countDown(); // the process never ran: the container stops
                    } else if (now == Status.RUNNING) {
                        process.signal(signal);
                    } else {
                        throw new RuntimeFailure("container " + dir.id() + " is not running");
                    }
                    return "";
                default:
                    throw new RuntimeFailure("unknown request '" + words[0] + "'");
            }
        }
    }

    /**
     * {@code exec FILE}: runs the process FILE describes in the container, its streams framed on {@code ch} (see
     * {@link Frames}); the exit code is the last frame. A caller that goes away takes its process with it.
     */
    private void exec(String request, java.nio.channels.SocketChannel ch) {
        ExecProcess p = null;
        try (ch) {
            OciProcess spec;
            synchronized (lock) {
                if (dir.status() != Status.RUNNING || sandbox == null) {
                    Control.writeLine(ch, "error cannot exec in a container that is " + dir.status().oci());
                    return;
                }
                // "exec FILE" runs in the container itself; "exec-in ID FILE" in the pod member ID; "start-in ID FILE"
                // starts member ID as a job container whose PID 1 is the process FILE describes
                String[] w = request.split(" ", 3);
                boolean start = w[0].equals("start-in");
                boolean member = start || w[0].equals("exec-in");
                if (member && w.length < 3) {
                    Control.writeLine(ch, "error " + w[0] + " needs a container id and a process file");
                    return;
                }
                dev.jkata.api.Container target = start ? null : member ? members.get(w[1]) : job;
                if (!start && target == null) {
                    Control.writeLine(ch, "error container " + (member ? w[1] + " is not running in this pod" : dir.id()
                            + " has no running process"));
                    return;
                }
                if (start && !joined.containsKey(w[1])) {
                    Control.writeLine(ch, "error container " + w[1] + " has not joined this pod, or already started");
                    return;
                }
                Path file = Path.of(member ? w[2] : request.substring(5).trim());
                try {
                    if (Files.size(file) > OciBundle.MAX_CONFIG_BYTES) {
                        throw new RuntimeFailure(file + " is too large for a process");
                    }
                    spec = OciProcess.parse(ContainerDir.JSON.readTree(file.toFile()), "process");
                    if (start) {
                        dev.jkata.api.Container c = sandbox.createContainer(BundleMapping.jobSpec(joined.remove(w[1]), spec));
                        members.put(w[1], c);
                        p = c.init().orElseThrow();
                    } else {
                        p = target.exec(BundleMapping.execSpec(spec));
                    }
                } catch (RuntimeException | java.io.IOException e) {
                    Control.writeLine(ch, "error " + (e.getMessage() == null ? e.toString() : e.getMessage()));
                    return;
                }
            }
            Control.writeLine(ch, "ok " + p.id());
            Frames frames = new Frames(ch);
            ExecProcess proc = p;
            Thread in = new Thread(() -> feed(frames, proc), "kata-runtime-exec-stdin");
            in.setDaemon(true);
            in.start();
            Thread out = frame(proc.stdout(), frames, Frames.STDOUT);
            Thread err = frame(proc.stderr(), frames, Frames.STDERR);
            int code = proc.waitFor(ExecSpec.MAX_TIMEOUT).code();
            out.join(5_000);
            err.join(5_000);
            frames.writeInt(Frames.EXIT, code);
        } catch (java.io.IOException | RuntimeException e) {
            log.info("exec {} ended without its caller: {}", p == null ? "" : p.id(), e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            if (p != null) {
                p.close();
            }
        }
    }

    /** The caller's stdin, signals and terminal sizes into {@code p}; the caller gone kills it. */
    private static void feed(Frames frames, ExecProcess p) {
        try {
            while (true) {
                Frames.Frame f = frames.read();
                switch (f.type()) {
                    case Frames.STDIN -> {
                        p.stdin().write(f.payload());
                        p.stdin().flush();
                    }
                    case Frames.STDIN_EOF -> p.stdin().close();
                    case Frames.SIGNAL -> p.signal(f.intValue());
                    case Frames.RESIZE -> {
                        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(f.payload());
                        p.resizeTty(b.getInt(), b.getInt());
                    }
                    default -> throw new java.io.IOException("unexpected frame " + f.type());
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            if (e instanceof java.io.EOFException) {
                p.signal(9);
            }
        }
    }

    private static Thread frame(java.io.InputStream from, Frames frames, byte type) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[Frames.MAX_PAYLOAD];
            int n;
            try {
                while ((n = from.read(buf)) >= 0) {
                    if (n > 0) {
                        frames.write(type, buf, 0, n);
                    }
                }
            } catch (java.io.IOException e) {
                // the caller or the process went away
            }
        }, "kata-runtime-exec-out");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /**
     * The bundle's process as the container's init, runc's way: a job container on the bundle's root, whose PID 1 it
     * is ({@code kill} signals it, its exit is the container's). The sandbox's default container, held by jkata's idle
     * init, only holds the VM.
     */
    /**
     * Boots the VM of a container whose engine filled its network after create, once, before its process starts. Runs
     * outside the daemon's lock, so that a {@code kill} meanwhile stops the container at once (the VM being booted
     * goes with this process, or is closed here when it comes up too late).
     */
    private void bootForStart() {
        synchronized (bootLock) {
            synchronized (lock) {
                if (sandbox != null || dir.status() != Status.CREATED) {
                    return;
                }
            }
            Sandbox booted = BundleMapping.builder(bundle, java.util.Optional.empty()).start();
            synchronized (lock) {
                if (dir.status() == Status.CREATED && ended.getCount() > 0) {
                    sandbox = booted;
                    log.info("sandbox {} up for container {}", booted.id(), dir.id());
                    return;
                }
            }
            booted.close();
            throw new RuntimeFailure("container " + dir.id() + " was stopped while its VM booted");
        }
    }

    private final Object bootLock = new Object();

    private void startProcess() {
        if (!bundle.process().notApplied().isEmpty()) {
            log.warn("container {}: {} set aside: the guest's runtime is not told them through Kata's protocol",
                    dir.id(), String.join(", ", bundle.process().notApplied()));
        }
        if (sandbox == null) {
            throw new RuntimeFailure("container " + dir.id() + " has no VM: it was stopped while its VM booted");
        }
        job = sandbox.createContainer(BundleMapping.jobSpec(BundleMapping.containerSpec(bundle, bundle.rootfs()), bundle.process()));
        ExecProcess p = job.init().orElseThrow();
        if (pty != null) {
            try {
                java.io.OutputStream term = pty.out();
                Pump.start("kata-runtime-tty-in", pty.in(), p.stdin(), true);
                stdout = Pump.start("kata-runtime-tty-out", p.stdout(), term, false);
                stderr = Pump.start("kata-runtime-tty-err", p.stderr(), term, false);
                followWindowSize(p, pty::size);
            } catch (java.io.IOException e) {
                p.close();
                throw new RuntimeFailure("cannot open the terminal " + pty.slavePath() + ": " + e.getMessage(), e);
            }
        } else {
            Pump.start("kata-runtime-stdin", new FileInputStream(FileDescriptor.in), p.stdin(), true);
            stdout = Pump.start("kata-runtime-stdout", p.stdout(), new FileOutputStream(FileDescriptor.out), false);
            stderr = Pump.start("kata-runtime-stderr", p.stderr(), new FileOutputStream(FileDescriptor.err), false);
        }
        process = p;
        dir.writeStatus(Status.RUNNING, 0);
        ended.countDown();
        runPoststart(dir, bundle, hooks);
    }

    /** The engine resizes its master; the guest's terminal follows within a fifth of a second. */
    static void followWindowSize(ExecProcess p, java.util.function.Supplier<java.util.Optional<int[]>> size) {
        Thread t = new Thread(() -> {
            int[] last = {0, 0};
            try {
                while (true) {
                    java.util.Optional<int[]> now = size.get();
                    if (now.isPresent() && (now.get()[0] != last[0] || now.get()[1] != last[1])) {
                        last = now.get();
                        p.resizeTty(last[0], last[1]);
                    }
                    Thread.sleep(200);
                }
            } catch (InterruptedException | RuntimeException e) {
                // the process ended
            }
        }, "kata-runtime-winsize");
        t.setDaemon(true);
        t.start();
    }

    private void closeSandbox() {
        Sandbox s;
        synchronized (lock) {
            s = sandbox;
            sandbox = null;
            members.clear();
            joined.clear();
            job = null;
        }
        if (s != null) {
            try {
                s.close();
            } catch (RuntimeException e) {
                log.warn("closing the sandbox failed", e);
            }
        }
        if (podRoots != null) {
            podRoots.removeAll(); // the VM is gone: every member's root is unbound
        }
    }

    /** Applies {@code update}'s limits (JSON: memory, cpuQuota, cpuPeriod, pids; 0 leaves one as it is). */
    private static void limits(dev.jkata.api.Container c, String json) {
        com.fasterxml.jackson.databind.JsonNode n;
        try {
            n = ContainerDir.JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new RuntimeFailure("bad limits " + json + ": " + e.getMessage());
        }
        dev.jkata.api.ResourceLimits l = dev.jkata.api.ResourceLimits.none();
        try {
            if (n.path("memory").asLong() > 0) {
                l = l.withMemory(MemorySize.ofBytes(n.path("memory").asLong()));
            }
            if (n.path("cpuQuota").asLong() > 0) {
                long period = n.path("cpuPeriod").asLong() > 0 ? n.path("cpuPeriod").asLong() : 100_000;
                l = l.withCpu(n.path("cpuQuota").asLong(), period);
            }
            if (n.path("pids").asLong() > 0) {
                l = l.withPids(n.path("pids").asLong());
            }
        } catch (dev.jkata.api.InvalidConfigurationException e) {
            throw new RuntimeFailure(e.getMessage());
        }
        c.update(l);
    }

    /**
     * {@code pod-create ID BUNDLE}: container ID joins this pod's VM: its bundle's root bound into the pod's roots. Its
     * guest container is made when its own daemon ({@link PodMember}) starts it ({@code start-in}), as a job container
     * whose PID 1 is the bundle's process; {@code exec-in} then runs beside it.
     */
    private void createMember(String id, Path bundleDir) {
        if (podRoots == null) {
            throw new RuntimeFailure("container " + dir.id() + " is not a pod's sandbox (no " + Pods.CRIO_TYPE + "=sandbox"
                    + " or " + Pods.CRI_TYPE + "=sandbox annotation, and its runtime was not root): " + id + " cannot join it");
        }
        Status now = dir.status();
        if (now != Status.CREATED && now != Status.RUNNING) {
            throw new RuntimeFailure("the pod's sandbox " + dir.id() + " is " + now.oci() + ": " + id + " cannot join it");
        }
        if (members.containsKey(id) || joined.containsKey(id)) {
            throw new RuntimeFailure("container " + id + " is already in pod " + dir.id());
        }
        OciBundle b = OciBundle.read(bundleDir);
        if (!Pods.isSandbox(bundle.annotations()) && !b.netns().path()
                .map(p -> dev.jkata.core.netns.JoinedNamespace.sameNamespace(p, Path.of("/proc/self/ns/net"))).orElse(false)) {
            // not annotated as a pod's sandbox (podman's infra container): only a member that shares this container's
            // namespaces joins it, as podman's pod members do (their network namespace is /proc/<this pid>/ns/net)
            throw new RuntimeFailure("container " + id + " names " + dir.id() + " as its pod's sandbox but does not share"
                    + " its network namespace: it cannot join its VM");
        }
        Path root = podRoots.bind(id, b.rootfs());
        try {
            // checked now (the root is the pod's, the spec valid); made when its process starts, as its PID 1
            joined.put(id, BundleMapping.containerSpec(b, root));
        } catch (RuntimeException e) {
            podRoots.release(id);
            throw e;
        }
        log.info("container {} joined pod {}", id, dir.id());
    }

    /** {@code pod-remove ID}: the member's guest container removed, its root unbound. */
    private void removeMember(String id) {
        joined.remove(id);
        dev.jkata.api.Container c = members.remove(id);
        try {
            if (c != null) {
                c.close();
            }
        } finally {
            if (podRoots != null) {
                podRoots.release(id);
            }
        }
    }
}
