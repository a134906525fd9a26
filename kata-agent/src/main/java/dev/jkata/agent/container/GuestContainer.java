package dev.jkata.agent.container;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jkata.agent.errors.AgentException;
import dev.jkata.agent.protocol.features.IdleInit;
import dev.jkata.agent.oci.Json;
import dev.jkata.agent.process.GuestProcess;
import dev.jkata.agent.terminal.ConsoleSocket;
import dev.jkata.agent.terminal.Pty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

/**
 * One container: its init process and exec'd processes, by exec id, and its life: CREATED (bundle and
 * mounts ready, init not running) → RUNNING ({@code crun run} started) → STOPPED (the init exited).
 *
 * <p>An exec'd process that was waited for and whose stdout and stderr were read to their end is forgotten;
 * so are the oldest of more than {@value #MAX_WAITED} waited processes whose output nobody drains. The
 * init stays until the container is removed.
 */
public final class GuestContainer {
    /** The container's states. */
    public enum State { CREATED, RUNNING, STOPPED }

    /** Waited-for exec'd processes kept for their output at most; the oldest beyond are forgotten. */
    static final int MAX_WAITED = 64;

    private static final Logger LOG = Logger.getLogger(GuestContainer.class.getName());

    private final String id;
    private final ContainerLayout layout;
    private final ContainerRuntime runtime;
    private final GuestSandbox.Settings settings;
    private final GuestProcess init;
    private final boolean initTerminal;
    private final Teardown teardown;

    // guarded by this
    private final Map<String, GuestProcess> processes = new LinkedHashMap<>();
    private final Set<String> waited = new LinkedHashSet<>();
    private State state = State.CREATED;
    private int execCount;

    GuestContainer(String id, String initExecId, boolean initTerminal, ContainerLayout layout, ContainerRuntime runtime,
              GuestSandbox.Settings settings, Teardown teardown) {
        this.id = id;
        this.initTerminal = initTerminal;
        this.layout = layout;
        this.runtime = runtime;
        this.settings = settings;
        this.teardown = teardown;
        this.init = new GuestProcess(initExecId, settings.outputBufferBytes());
        processes.put(initExecId, init);
        init.onExit(this::initExited);
    }

    /** What removing the container undoes: its mounts and storage references, in reverse order. */
    interface Teardown {
        void run();
    }

    public String id() { return id; }

    public synchronized State state() { return state; }

    public GuestProcess init() { return init; }

    public Path bundle() { return layout.bundle(id); }

    /**
     * Where the container's files are, as it sees them: while its init runs, the init's root with every mount of the
     * container (the runtime says how to reach it); once it has stopped, the root file system the agent made for it.
     */
    public Path filesRoot() {
        java.util.OptionalLong pid = init.isRunning() ? init.pid() : java.util.OptionalLong.empty();
        return runtime.filesRoot(layout.rootfs(id), pid);
    }

    /** Starts the init: {@code crun run} in the foreground. */
    public void start() {
        synchronized (this) {
            if (state != State.CREATED || init.isStarted()) {
                throw AgentException.precondition("container " + id + " is " + state + ", not CREATED: it can start once");
            }
            state = State.RUNNING;
        }
        if (!findable(readInitSpec(), init)) {
            return; // the init ended at once with 127 (or 126) and the reason on its stderr: the container stopped
        }
        Path pidFile = layout.initPidFile(id);
        Path logFile = layout.initLog(id);
        launch(init, initTerminal, bundle().resolve("console-init.sock"),
                console -> runtime.run(id, bundle(), pidFile, logFile, console), pidFile, logFile, "starting container " + id);
    }

    /** Runs a process in the running container, as {@code execId}. */
    public GuestProcess exec(String execId, ObjectNode processSpec) {
        if (execId.isEmpty()) {
            throw AgentException.invalid("exec_id must not be empty");
        }
        BundleConfig.process(processSpec);
        boolean terminal = processSpec.path("terminal").asBoolean(false);
        GuestProcess gp;
        int n;
        synchronized (this) {
            if (state != State.RUNNING) {
                throw AgentException.precondition("container " + id + " is " + state + ": exec needs it RUNNING");
            }
            if (processes.containsKey(execId)) {
                throw AgentException.exists("process " + execId + " already exists in container " + id);
            }
            gp = new GuestProcess(execId, settings.outputBufferBytes());
            processes.put(execId, gp);
            n = ++execCount;
        }
        if (!findable(processSpec, gp)) {
            return gp;
        }
        Path json = bundle().resolve("exec-" + n + ".json");
        Path pidFile = bundle().resolve("exec-" + n + ".pid");
        Path logFile = bundle().resolve("exec-" + n + ".log");
        try {
            Json.write(processSpec, json);
            launch(gp, terminal, bundle().resolve("console-" + n + ".sock"),
                    console -> runtime.exec(id, json, pidFile, logFile, console), pidFile, logFile,
                    "exec " + execId + " in container " + id);
            gp.onExit(() -> deleteQuietly(json, pidFile, logFile));
            return gp;
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                processes.remove(execId);
            }
            gp.discardOutput();
            deleteQuietly(json, pidFile, logFile);
            if (e instanceof AgentException ae) {
                throw ae;
            }
            throw AgentException.internal("cannot exec in container " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * Makes the process's working directory and looks its program up in the container's root, as a shell would: when
     * it is not there, {@code gp} ends at once with 127 (126: not executable) and the reason on its stderr, and false
     * is returned. jkata's own programs ({@link IdleInit#owns}) are bound by the runtime, so not looked up.
     */
    private boolean findable(com.fasterxml.jackson.databind.JsonNode processSpec, GuestProcess gp) {
        String program = processSpec.path("args").path(0).asText("");
        String pathVar = "";
        for (com.fasterxml.jackson.databind.JsonNode e : processSpec.path("env")) {
            if (e.asText().startsWith("PATH=")) {
                pathVar = e.asText().substring(5);
            }
        }
        String cwd = processSpec.path("cwd").asText("/");
        WorkingDirectories.ensure(layout.rootfs(id), cwd);
        if (IdleInit.owns(program)) {
            return true;
        }
        ExecutableLookup.Result lookup = runtime.findProgram(layout.rootfs(id), program, pathVar, cwd);
        if (!lookup.found()) {
            gp.failToStart(lookup.exitStatus(), lookup.message(program));
            return false;
        }
        return true;
    }

    /** The init's process, as config.json holds it. */
    private com.fasterxml.jackson.databind.JsonNode readInitSpec() {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(layout.config(id).toFile()).path("process");
        } catch (IOException e) {
            throw AgentException.internal("cannot read the config of container " + id + ": " + e.getMessage(), e);
        }
    }

    /** Starts one runtime launch for {@code gp}, through a console socket when it has a terminal. */
    private interface Launcher {
        Process launch(Path consoleSocket) throws IOException;
    }

    private void launch(GuestProcess gp, boolean terminal, Path consoleSocket, Launcher launcher, Path pidFile,
                        Path logFile, String what) {
        gp.setOomKillsAtStart(CgroupStats.oomKills(layout.cgroupDir(id)));
        Process p;
        if (!terminal) {
            try {
                p = launcher.launch(null);
            } catch (IOException e) {
                gp.abort(127);
                throw AgentException.internal(what + ": cannot run the runtime: " + e.getMessage(), e);
            }
            gp.start(p);
        } else {
            p = launchWithTerminal(gp, consoleSocket, launcher, logFile, what);
        }
        gp.setPid(Launches.awaitPid(p, pidFile, logFile, settings.launchTimeout(), what));
    }

    private Process launchWithTerminal(GuestProcess gp, Path consoleSocket, Launcher launcher, Path logFile, String what) {
        Process p = null;
        try (ConsoleSocket console = ConsoleSocket.listen(consoleSocket)) {
            p = launcher.launch(console.path());
            Pty pty = console.receive(p::isAlive, settings.launchTimeout());
            gp.start(p, pty);
            return p;
        } catch (IOException | RuntimeException e) {
            int status = 127;
            if (p != null) {
                p.destroyForcibly();
                try {
                    status = p.waitFor();
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                }
            }
            gp.abort(status);
            String log = Launches.readLog(logFile);
            throw AgentException.internal(what + " failed: " + (log.isEmpty() ? e.getMessage() : log), e);
        }
    }

    /** The process {@code execId}; the init for an empty id. */
    public synchronized GuestProcess process(String execId) {
        if (execId.isEmpty()) {
            return init;
        }
        GuestProcess p = processes.get(execId);
        if (p == null) {
            throw AgentException.notFound("process " + execId + " not found in container " + id);
        }
        return p;
    }

    private static final ProcessTree PROCESS_TREE = new ProcessTree(Path.of("/proc"));

    /**
     * Signals a process: the empty exec id means every process of the container, the init's exec id the init
     * (through the runtime), any other id that process by its pid; SIGKILL of an exec'd process reaches every process
     * it started too. A process that has exited is not an error:
     * the signal is dropped. A container never started ends at a terminating signal, with status 128+N.
     */
    public void signal(String execId, int signal) {
        GuestProcess target = process(execId);
        boolean all = execId.isEmpty();
        if (target == init || all) {
            synchronized (this) {
                if (state == State.CREATED) {
                    if (terminates(signal)) {
                        init.abort(128 + signal);
                    }
                    return;
                }
            }
            if (!init.isRunning()) {
                return;
            }
            try {
                runtime.kill(id, signal, all);
            } catch (AgentException e) {
                if (init.isRunning()) {
                    throw e;
                }
            }
            return;
        }
        if (target.isRunning() && target.pid().isPresent()) {
            if (signal == 9) {
                // a kill ends the job whole: the process and every process it started (see ProcessTree)
                PROCESS_TREE.kill(target.pid().getAsLong(), runtime::signalAll);
                return;
            }
            try {
                runtime.signal(target.pid().getAsLong(), signal);
            } catch (AgentException e) {
                if (target.isRunning()) {
                    throw e;
                }
            }
        }
    }

    /** Waits for the exit of {@code execId} and returns its status; an exec'd process may be forgotten after. */
    /** How a process ended: its status, and whether the container's OOM killer ended it. */
    public record Exit(int status, boolean oomKilled) {}

    public int waitProcess(String execId) {
        return waitExit(execId).status();
    }

    /** Waits for process {@code execId} to end; the cause of death is read before a drained process is forgotten. */
    public Exit waitExit(String execId) {
        GuestProcess p = process(execId);
        int status = p.waitFor();
        Exit exit = new Exit(status, p.oomKilled(status, CgroupStats.oomKills(layout.cgroupDir(id))));
        if (p != init) {
            synchronized (this) {
                if (processes.get(p.execId()) == p) {
                    waited.add(p.execId());
                    evictBeyondLimit();
                }
            }
            forgetIfDrained(p);
        }
        return exit;
    }

    /** Reads one output stream of a process; {@code null} at its end (after which a waited exec may be forgotten). */
    public byte[] read(String execId, GuestProcess.Output which, int max) {
        GuestProcess p = process(execId);
        byte[] data = p.read(which, max);
        if (data == null && p != init) {
            forgetIfDrained(p);
        }
        return data;
    }

    /** The guest pids of the container's processes. */
    public List<Long> pids() {
        synchronized (this) {
            if (state != State.RUNNING) {
                return List.of();
            }
        }
        try {
            return runtime.pids(id);
        } catch (AgentException e) {
            if (init.isRunning()) {
                throw e;
            }
            return List.of();
        }
    }

    /** The processes known now, init first. */
    public synchronized List<GuestProcess> processes() { return new ArrayList<>(processes.values()); }

    /**
     * Kills every process, waits for them to exit at most {@code timeout} (zero: no limit), then undoes
     * the mounts and drops the buffered output.
     *
     * @throws AgentException DEADLINE_EXCEEDED when a process outlived the timeout; the container stays
     */
    void destroy(Duration timeout) {
        synchronized (this) {
            if (state == State.CREATED) {
                init.abort(128 + 9);
            }
        }
        try {
            runtime.delete(id);
        } catch (AgentException e) {
            LOG.warning("crun delete " + id + ": " + e.getMessage());
        }
        long deadline = timeout.isZero() ? Long.MAX_VALUE : System.nanoTime() + timeout.toNanos();
        for (GuestProcess p : processes()) {
            awaitExit(p, deadline);
        }
        for (GuestProcess p : processes()) {
            p.closeStdin();
            p.discardOutput();
        }
        teardown.run();
    }

    private void awaitExit(GuestProcess p, long deadline) {
        while (p.isRunning() || !p.isStarted()) {
            if (!p.isStarted()) {
                p.abort(128 + 9);
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AgentException(AgentException.Reason.DEADLINE_EXCEEDED,
                        "process " + p.execId() + " of container " + id + " is still running after the timeout");
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                throw AgentException.interrupted("waiting for container " + id + " to stop");
            }
        }
    }

    private synchronized void initExited() {
        state = State.STOPPED;
        init.exitStatus().ifPresent(s -> {
            if (s != 0) {
                String log = Launches.readLog(layout.initLog(id));
                if (!log.isEmpty()) {
                    LOG.info("container " + id + " exited with status " + s + "; crun: " + log);
                }
            }
        });
    }

    private void forgetIfDrained(GuestProcess p) {
        synchronized (this) {
            if (waited.contains(p.execId()) && p.isDrained() && processes.get(p.execId()) == p) {
                processes.remove(p.execId());
                waited.remove(p.execId());
            }
        }
    }

    // guarded by this
    private void evictBeyondLimit() {
        Iterator<String> it = waited.iterator();
        while (waited.size() > MAX_WAITED && it.hasNext()) {
            String oldest = it.next();
            it.remove();
            GuestProcess p = processes.remove(oldest);
            if (p != null) {
                p.discardOutput();
            }
        }
    }

    private static boolean terminates(int signal) {
        return switch (signal) {
            case 1, 2, 3, 6, 9, 14, 15 -> true;
            default -> false;
        };
    }

    private static void deleteQuietly(Path... files) {
        for (Path f : files) {
            try {
                Files.deleteIfExists(f);
            } catch (IOException ignored) {
                // the bundle goes with the container anyway
            }
        }
    }

    @Override
    public String toString() {
        return "GuestContainer[" + id + ", " + state() + "]";
    }
}
