package dev.jkata.agent.container;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * The OCI runtime the agent drives: {@link CrunRuntime} in the guest, a fake in tests. Launches return a
 * foreground {@link Process} whose stdio are the container process's stdio and whose exit value is its exit
 * status (128+N after signal N); the container process's pid is written to {@code pidFile} once it exists,
 * and the runtime's own error messages go to {@code logFile}. With a {@code consoleSocket} (the process has
 * {@code terminal=true}) the runtime instead makes a pseudo-terminal the process's stdio and sends its master
 * over that socket, and the launcher's own stdio carries nothing. Other failures are
 * {@link dev.jkata.agent.errors.AgentException}s (INTERNAL with the runtime's message).
 */
public interface ContainerRuntime {

    /**
     * Creates and starts the container of {@code bundle} ({@code config.json}) in the foreground.
     *
     * @param consoleSocket where to send the terminal's master, or {@code null} for pipes
     */
    Process run(String containerId, Path bundle, Path pidFile, Path logFile, Path consoleSocket) throws IOException;

    /**
     * Runs the process described by {@code processJson} in the running container, in the foreground.
     *
     * @param consoleSocket where to send the terminal's master, or {@code null} for pipes
     */
    Process exec(String containerId, Path processJson, Path pidFile, Path logFile, Path consoleSocket) throws IOException;

    /** Sends {@code signal} to the container's init, or with {@code all} to every process of the container. */
    void kill(String containerId, int signal, boolean all);

    /** Sends {@code signal} to one process of a container, by its pid in the guest. */
    void signal(long pid, int signal);

    /** Sends {@code signal} to each of {@code pids}, ignoring those that are gone. */
    default void signalAll(java.util.List<Long> pids, int signal) {
        for (long p : pids) {
            try {
                signal(p, signal);
            } catch (dev.jkata.agent.errors.AgentException gone) {
                // exited meanwhile
            }
        }
    }

    /** The guest pids of the container's processes; empty when it runs none. */
    List<Long> pids(String containerId);

    /** Kills whatever is left of the container and forgets it; a container the runtime does not know is fine. */
    void delete(String containerId);

    /**
     * Where the program {@code command} would be found for a process of a container whose root is
     * {@code rootfs}; when it is missing there the process ends with the lookup's status (127, or 126 for a file
     * that is not executable), as in a shell.
     */
    default ExecutableLookup.Result findProgram(Path rootfs, String command, String pathVariable, String cwd) {
        return ExecutableLookup.find(rootfs, command, pathVariable, cwd);
    }

    /**
     * Where the file protocol finds a container's files: its init's root ({@code /proc/<pid>/root}, which shows the
     * container's own mounts: its /tmp, volumes and binds) while {@code initPid} runs, else {@code rootfs}.
     */
    default Path filesRoot(Path rootfs, java.util.OptionalLong initPid) {
        return initPid.isPresent() ? Path.of("/proc", Long.toString(initPid.getAsLong()), "root") : rootfs;
    }
}
