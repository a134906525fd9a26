package dev.jkata.agent.fakes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jkata.agent.errors.AgentException;
import dev.jkata.agent.container.ContainerRuntime;
import dev.jkata.agent.system.Commands;
import dev.jkata.agent.terminal.RuntimeConsole;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import dev.jkata.agent.protocol.features.IdleInit;

/**
 * A FAKE {@link ContainerRuntime}: it runs the process args of {@code config.json} or {@code process.json}
 * directly on the host as a child of the JVM, with <strong>no isolation</strong> (no namespaces, no chroot, the
 * JVM's user), writes the child's pid to the pid file, and sends signals with {@code kill}. Programs are found
 * in the host's root. A process's working directory is its {@code cwd} under the bundle's {@code rootfs}
 * directory (created if missing, as crun does in a container), so relative writes land in the bundle rather
 * than in the host's {@code /}. For a console socket it opens a pty, makes it the child's stdio and sends the master
 * over the socket, as crun does. A direct child's exit value is, as with crun, 128+N after signal N. jkata's
 * {@link IdleInit#PROGRAM} {@code APPLET ARGS} runs the host's {@code APPLET ARGS} (its idle init: the host's sleep).
 */
public final class FakeContainerRuntime implements ContainerRuntime {

    /**
     * Fake processes run on the host, so their programs are looked up in the host's root, except a relative path
     * such as {@code ./build.sh}, which is looked up where the process will run: under {@code rootfs}.
     */
    @Override
    public dev.jkata.agent.container.ExecutableLookup.Result findProgram(Path rootfs, String command, String pathVariable, String cwd) {
        boolean relative = command.contains("/") && !command.startsWith("/");
        return ContainerRuntime.super.findProgram(relative ? rootfs : Path.of("/"), command, pathVariable, cwd);
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Process> inits = new ConcurrentHashMap<>();
    private final Map<String, List<Process>> execs = new ConcurrentHashMap<>();
    private final List<String> calls = new CopyOnWriteArrayList<>();

    /** What was called, in order: "run c1", "exec c1", "kill c1 15", "kill c1 9 all", "signal 15", "delete c1". */
    public List<String> calls() { return Collections.unmodifiableList(calls); }

    @Override
    public Process run(String containerId, Path bundle, Path pidFile, Path logFile, Path consoleSocket) throws IOException {
        calls.add("run " + containerId);
        Process p = launch(JSON.readTree(bundle.resolve("config.json").toFile()).path("process"), bundle, pidFile, consoleSocket);
        inits.put(containerId, p);
        return p;
    }

    @Override
    public Process exec(String containerId, Path processJson, Path pidFile, Path logFile, Path consoleSocket) throws IOException {
        calls.add("exec " + containerId);
        Process init = inits.get(containerId);
        if (init == null || !init.isAlive()) {
            Files.writeString(logFile, "container " + containerId + " is not running");
            return new ProcessBuilder("sh", "-c", "exit 1").start();
        }
        Process p = launch(JSON.readTree(processJson.toFile()), processJson.getParent(), pidFile, consoleSocket);
        execs.computeIfAbsent(containerId, k -> new CopyOnWriteArrayList<>()).add(p);
        return p;
    }

    @Override
    public void kill(String containerId, int signal, boolean all) {
        calls.add("kill " + containerId + " " + signal + (all ? " all" : ""));
        Process init = inits.get(containerId);
        if (init == null || !init.isAlive()) {
            throw AgentException.internal("container " + containerId + " is not running");
        }
        List<Long> pids = new ArrayList<>();
        pids.add(init.pid());
        if (all) {
            init.descendants().forEach(h -> pids.add(h.pid()));
            execs.getOrDefault(containerId, List.of()).stream().filter(Process::isAlive).forEach(p -> pids.add(p.pid()));
        }
        kill(pids.get(0), signal);
        for (long pid : pids.subList(1, pids.size())) {
            try {
                kill(pid, signal);
            } catch (AgentException exitedMeanwhile) {
                // as crun kill --all: a process that is gone is not an error
            }
        }
    }

    @Override
    public void signal(long pid, int signal) {
        calls.add("signal " + signal);
        kill(pid, signal);
    }

    @Override
    public List<Long> pids(String containerId) {
        Process init = inits.get(containerId);
        if (init == null || !init.isAlive()) {
            throw AgentException.internal("container " + containerId + " is not running");
        }
        List<Long> pids = new ArrayList<>();
        pids.add(init.pid());
        init.descendants().forEach(h -> pids.add(h.pid()));
        for (Process p : execs.getOrDefault(containerId, List.of())) {
            if (p.isAlive()) {
                pids.add(p.pid());
                p.descendants().forEach(h -> pids.add(h.pid()));
            }
        }
        return pids;
    }

    @Override
    public void delete(String containerId) {
        calls.add("delete " + containerId);
        List<Process> all = new ArrayList<>(execs.getOrDefault(containerId, List.of()));
        Process init = inits.remove(containerId);
        if (init != null) {
            all.add(init);
        }
        execs.remove(containerId);
        for (Process p : all) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
    }

    private static Process launch(JsonNode process, Path bundle, Path pidFile, Path consoleSocket) throws IOException {
        List<String> args = new ArrayList<>();
        process.path("args").forEach(a -> args.add(a.asText()));
        if (!args.isEmpty() && args.get(0).equals(IdleInit.PROGRAM) && args.size() > 1) {
            args.remove(0); // jkata's busybox applet (the idle init's sleep): the host's program of that name
        }
        ProcessBuilder pb = new ProcessBuilder(args);
        pb.environment().clear();
        for (JsonNode e : process.path("env")) {
            String kv = e.asText();
            int eq = kv.indexOf('=');
            if (eq > 0) {
                pb.environment().put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        pb.directory(workingDirectory(bundle.resolve("rootfs"), process.path("cwd").asText("/")));
        if (consoleSocket == null) {
            Process p = pb.start();
            Files.writeString(pidFile, Long.toString(p.pid()));
            return p;
        }
        // as crun does for terminal=true: a pty is the process's stdio, its master goes over the console socket
        RuntimeConsole.PtyPair pty = RuntimeConsole.openPty();
        try {
            File slave = pty.slave().toFile();
            pb.redirectInput(ProcessBuilder.Redirect.from(slave)).redirectOutput(ProcessBuilder.Redirect.appendTo(slave))
                    .redirectError(ProcessBuilder.Redirect.appendTo(slave));
            Process p = pb.start();
            RuntimeConsole.sendDescriptor(consoleSocket, pty.master());
            Files.writeString(pidFile, Long.toString(p.pid()));
            return p;
        } finally {
            RuntimeConsole.close(pty.master());
        }
    }

    /** {@code cwd} under {@code root}, created if missing; {@code root} for one that climbs out; the JVM's own without a root. */
    private static File workingDirectory(Path root, String cwd) throws IOException {
        if (!Files.isDirectory(root)) {
            return null;
        }
        Path p = root.resolve(cwd.replaceFirst("^/+", "")).normalize();
        if (!p.startsWith(root)) {
            return root.toFile();
        }
        return Files.createDirectories(p).toFile();
    }

    private static void kill(long pid, int signal) {
        Commands.run(List.of("kill", "-" + signal, Long.toString(pid)));
    }

    /** A fake process runs in the host's root: the container's files are its stand-in root, {@code rootfs}. */
    @Override
    public Path filesRoot(Path rootfs, java.util.OptionalLong initPid) {
        return rootfs;
    }
}
