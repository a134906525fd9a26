package dev.jkata.cli.oci;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What the verbs do to a container: create it (start its daemon and wait until its sandbox is up), start it, read
 * its state, signal it, delete it. Every wait is bounded; a daemon that does not answer is killed by pid, which
 * takes its QEMU with it.
 */
final class Lifecycle {
    /** In a container's directory: its bundle's hooks as they were at create. */
    static final String HOOKS_FILE = "hooks.json";
    /** How long {@code create} waits for the sandbox: a first start may fetch a kernel and build a template. */
    static final Duration CREATE_TIMEOUT = Duration.ofMinutes(10);
    static final Duration CALL_TIMEOUT = Duration.ofSeconds(30);
    static final Duration EXIT_WAIT = Duration.ofSeconds(15);

    private final Path root;
    private final RuntimeLog log;

    Lifecycle(Path root, RuntimeLog log) {
        this.root = root;
        this.log = log;
    }

    Path root() {
        return root;
    }

    /** Starts the container's daemon and returns it once the sandbox is up and the container created. */
    Process create(String id, Path bundleDir, Optional<Path> pidFile, Optional<Path> consoleSocket) {
        Path bundle = bundleDir.toAbsolutePath().normalize();
        OciBundle config = OciBundle.read(bundle); // a bad bundle fails here, before any directory or process
        if (config.process().terminal() && consoleSocket.isEmpty()) {
            throw new RuntimeFailure("process.terminal is true: pass --console-socket to receive the terminal");
        }
        if (!config.process().terminal() && consoleSocket.isPresent()) {
            throw new RuntimeFailure("--console-socket given, but process.terminal is false in config.json");
        }
        ContainerDir dir = ContainerDir.create(root, id);
        // the hooks as they are now: delete runs these, never what the bundle says by then (runc keeps the create-time spec)
        dir.write(HOOKS_FILE, Hooks.text(bundle));
        Process daemon;
        try {
            daemon = DaemonLauncher.start(dir, bundle, consoleSocket, config.netns().fresh());
        } catch (IOException | RuntimeException e) {
            dir.remove();
            throw new RuntimeFailure("cannot start the container's daemon: " + e.getMessage(), e);
        }
        dir.write("pid", Long.toString(daemon.pid()));
        log.debug("container " + id + ": daemon " + daemon.pid() + " started");
        long deadline = System.nanoTime() + CREATE_TIMEOUT.toNanos();
        try {
            while (dir.status() == Status.CREATING) {
                if (!daemon.isAlive()) {
                    String why = dir.error().orElse("the daemon exited with " + daemon.exitValue() + "; see " + dir.daemonLog());
                    dir.remove();
                    throw new RuntimeFailure(why);
                }
                if (System.nanoTime() > deadline) {
                    daemon.destroyForcibly();
                    daemon.waitFor();
                    dir.remove();
                    throw new RuntimeFailure("the sandbox was not up within " + CREATE_TIMEOUT.toMinutes() + " min");
                }
                Thread.sleep(20);
            }
        } catch (InterruptedException e) {
            daemon.destroyForcibly();
            dir.remove();
            Thread.currentThread().interrupt();
            throw new RuntimeFailure("interrupted while creating " + id);
        }
        dir.writeState(bundle, config.rootfs(), daemon.pid(), Instant.now(), config.annotations());
        pidFile.ifPresent(p -> writePidFile(p, daemon.pid()));
        return daemon;
    }

    /**
     * Writes the pid file the engine asked for: a new file of a random name (created exclusively, never through a link
     * someone planted at a predictable name), then renamed over the target.
     */
    static void writePidFile(Path file, long pid) {
        Path tmp = null;
        try {
            Path abs = file.toAbsolutePath();
            tmp = Files.createTempFile(abs.getParent(), "." + abs.getFileName() + ".", ".tmp");
            Files.writeString(tmp, Long.toString(pid));
            Files.move(tmp, abs, java.nio.file.StandardCopyOption.ATOMIC_MOVE, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // reported below
                }
            }
            throw new RuntimeFailure("cannot write the pid file " + file + ": " + e.getMessage(), e);
        }
    }

    void start(String id) {
        ContainerDir dir = ContainerDir.open(root, id);
        Status s = status(dir);
        if (s != Status.CREATED) {
            throw new RuntimeFailure("cannot start a container that has " + (s == Status.STOPPED ? "stopped" : "status " + s.oci()));
        }
        // a container whose engine fills its network after create boots its VM now: as long as a create may take
        Control.call(dir.controlSocket(), "start",
                dir.read(SandboxDaemon.BOOTS_AT_START).isPresent() ? CREATE_TIMEOUT : CALL_TIMEOUT);
    }

    /** Sends a request that needs a live container (pause, resume) to its daemon. */
    void control(String id, String request) {
        ContainerDir dir = ContainerDir.open(root, id);
        if (status(dir) == Status.STOPPED) {
            throw new RuntimeFailure("container " + id + " is not running");
        }
        Control.call(dir.controlSocket(), request, CALL_TIMEOUT);
    }

    /** Sets a running container's limits in its guest (a pod member's through its pod's sandbox). */
    void update(String id, String limitsJson) {
        ContainerDir dir = ContainerDir.open(root, id);
        if (status(dir) == Status.STOPPED) {
            throw new RuntimeFailure("container " + id + " is not running");
        }
        Control.call(dir.vmSocket(), dir.vmRequest("update") + " " + limitsJson, CALL_TIMEOUT);
    }

    /** The status, corrected for a daemon that died without saying so. */
    Status status(ContainerDir dir) {
        Status s = dir.status();
        if ((s == Status.CREATED || s == Status.RUNNING || s == Status.PAUSED) && daemon(dir).isEmpty()) {
            return Status.STOPPED;
        }
        return s;
    }

    /** The state JSON of the OCI runtime spec. */
    ObjectNode state(String id) {
        ContainerDir dir = ContainerDir.open(root, id);
        ObjectNode recorded = dir.readState().orElse(ContainerDir.JSON.createObjectNode());
        Status s = status(dir);
        ObjectNode n = ContainerDir.JSON.createObjectNode();
        n.put("ociVersion", KataRuntime.OCI_VERSION).put("id", id).put("pid", s == Status.STOPPED ? 0 : recorded.path("pid").asLong(0))
                .put("status", s.oci()).put("bundle", recorded.path("bundle").asText(""));
        if (recorded.has("rootfs")) {
            n.put("rootfs", recorded.path("rootfs").asText());
        }
        n.put("created", recorded.path("created").asText(Instant.EPOCH.toString())).put("owner", "");
        n.set("annotations", recorded.has("annotations") ? recorded.get("annotations") : ContainerDir.JSON.createObjectNode());
        return n;
    }

    List<ObjectNode> list() {
        List<ObjectNode> out = new ArrayList<>();
        for (ContainerDir d : ContainerDir.all(root)) {
            try {
                out.add(state(d.id()));
            } catch (RuntimeFailure e) {
                log.debug("skipping " + d.id() + ": " + e.getMessage());
            }
        }
        return out;
    }

    void kill(String id, int signal, boolean all) {
        ContainerDir dir = ContainerDir.open(root, id);
        Status s = status(dir);
        if (s == Status.STOPPED) {
            if (all) {
                return; // nothing left to signal, as runc --all of an exited container
            }
            throw new RuntimeFailure("container not running");
        }
        try {
            Control.call(dir.controlSocket(), "kill " + signal, CALL_TIMEOUT);
        } catch (RuntimeFailure e) {
            if (signal != 9) {
                throw e;
            }
            log.debug("kill 9 of " + id + " through its daemon failed (" + e.getMessage() + "); killing the daemon");
            daemon(dir).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    void delete(String id, boolean force) {
        Optional<ContainerDir> found = ContainerDir.find(root, id);
        if (found.isEmpty()) {
            if (force) {
                return;
            }
            throw new RuntimeFailure("container does not exist");
        }
        ContainerDir dir = found.get();
        Status s = status(dir);
        Optional<ProcessHandle> daemon = daemon(dir);
        if (s == Status.RUNNING || s == Status.PAUSED) {
            if (!force) {
                throw new RuntimeFailure("cannot delete container " + id + " that is not stopped: " + s.oci());
            }
        }
        if (daemon.isPresent() && s == Status.CREATING) {
            daemon.get().destroyForcibly(); // still booting, not listening yet: its QEMU goes with it
            awaitExit(daemon.get(), EXIT_WAIT);
        } else if (daemon.isPresent()) {
            try {
                Control.call(dir.controlSocket(), "kill 9", Duration.ofSeconds(5));
            } catch (RuntimeFailure e) {
                log.debug("kill through the daemon failed: " + e.getMessage());
            }
            if (!awaitExit(daemon.get(), EXIT_WAIT)) {
                daemon.get().destroyForcibly();
                awaitExit(daemon.get(), EXIT_WAIT);
            }
        }
        leavePod(dir);
        dir.podRoots().removeAll(); // a pod's sandbox killed before it could unbind its members' roots
        if (daemon.isPresent() || s != Status.STOPPED) {
            // a daemon killed (by us or by anyone) left its sandbox's state: its taps in the engine's namespace go now,
            // before the engine's CNI DEL looks at its device
            try {
                dev.jkata.core.state.Reaper.sweep(dev.jkata.core.state.StateRoot.defaultRoot(),
                        List.of(new dev.jkata.core.qemu.QemuGuestLauncher()));
            } catch (RuntimeException e) {
                log.debug("sweeping abandoned sandboxes failed: " + e.getMessage());
            }
        }
        Optional<ObjectNode> recorded = dir.readState();
        Optional<String> hooks = dir.read(HOOKS_FILE);
        dir.remove();
        recorded.ifPresent(r -> poststop(id, r, hooks.orElse("{}")));
    }

    /** The poststop hooks saved at create, after the container is gone; a failure is only logged. */
    private void poststop(String id, ObjectNode recorded, String hooks) {
        Path bundle = Path.of(recorded.path("bundle").asText("/"));
        try {
            Map<String, String> annotations = new java.util.LinkedHashMap<>();
            recorded.path("annotations").fields().forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
            Hooks.runLogged("poststop", Hooks.parse(hooks).poststop(), Hooks.state(id, "stopped", 0, bundle, annotations));
        } catch (RuntimeFailure e) {
            log.debug("poststop hooks of " + id + " not run: " + e.getMessage());
        }
    }

    /** A pod member whose daemon could not leave the pod itself: its guest container and root go now, if the pod runs. */
    private void leavePod(ContainerDir dir) {
        dir.read(PodMember.POD_FILE).flatMap(sb -> ContainerDir.find(root, sb)).ifPresent(sb -> {
            try {
                Control.call(sb.controlSocket(), "pod-remove " + dir.id(), Duration.ofSeconds(5));
            } catch (RuntimeFailure e) {
                log.debug("pod-remove of " + dir.id() + ": " + e.getMessage());
            }
        });
    }

    static boolean awaitExit(ProcessHandle h, Duration d) {
        try {
            h.onExit().get(d.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (java.util.concurrent.TimeoutException e) {
            return false;
        } catch (java.util.concurrent.ExecutionException e) {
            return !h.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !h.isAlive();
        }
    }

    /** The container's daemon, if it still runs (checked by its arguments, so a reused pid is not mistaken for it). */
    Optional<ProcessHandle> daemon(ContainerDir dir) {
        Optional<String> pid = dir.read("pid");
        if (pid.isEmpty()) {
            return Optional.empty();
        }
        Optional<ProcessHandle> h = ProcessHandle.of(Long.parseLong(pid.get())).filter(ProcessHandle::isAlive)
                .filter(p -> !zombie(p.pid()));
        return h.filter(p -> dev.jkata.qemu.ProcessArguments.holds(p.pid(), dir.id(), SandboxDaemon.class.getName()));
    }

    /** A process that has exited but not been reaped yet (an orphan waits for its new parent to do it). */
    static boolean zombie(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            int end = stat.lastIndexOf(')');
            return end > 0 && end + 2 < stat.length() && stat.charAt(end + 2) == 'Z';
        } catch (IOException e) {
            return true; // gone already
        }
    }

    Map<String, Status> statuses() {
        Map<String, Status> m = new java.util.TreeMap<>();
        ContainerDir.all(root).forEach(d -> m.put(d.id(), status(d)));
        return m;
    }
}
