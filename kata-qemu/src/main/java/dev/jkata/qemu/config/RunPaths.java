package dev.jkata.qemu.config;

import dev.jkata.qemu.errors.InvalidQemuConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Where one VM keeps its runtime files: all in one directory the VM owns.
 *
 * @param dir         the run directory
 * @param qmpSocket   {@code qmp.sock}: the QMP socket (QEMU listens)
 * @param agentSocket {@code agent.sock}: the virtio-serial port {@code agent.channel.0} (QEMU listens)
 * @param consoleLog  {@code console.log}: the guest's serial console
 * @param pidFile     {@code qemu.pid}: QEMU's pid, written by QEMU
 */
public record RunPaths(Path dir, Path qmpSocket, Path agentSocket, Path consoleLog, Path pidFile) {
    /** A UNIX socket path has 108 bytes in {@code sockaddr_un}, one of them the terminating NUL. */
    public static final int MAX_SOCKET_PATH_BYTES = 107;
    /** The name of the pid file in a run directory. */
    public static final String PID_FILE = "qemu.pid";

    public RunPaths {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(qmpSocket, "qmpSocket");
        Objects.requireNonNull(agentSocket, "agentSocket");
        Objects.requireNonNull(consoleLog, "consoleLog");
        Objects.requireNonNull(pidFile, "pidFile");
        requireSocketPath(qmpSocket);
        requireSocketPath(agentSocket);
    }

    /**
     * The standard layout inside {@code dir} (made absolute).
     *
     * @throws InvalidQemuConfigException for field {@code runDir} when a socket path would exceed
     *                                       {@value #MAX_SOCKET_PATH_BYTES} bytes
     */
    public static RunPaths in(Path dir) {
        Path d = dir.toAbsolutePath().normalize();
        return new RunPaths(d, d.resolve("qmp.sock"), d.resolve("agent.sock"), d.resolve("console.log"),
                d.resolve(PID_FILE));
    }

    private static void requireSocketPath(Path socket) {
        int n = socket.toString().getBytes(StandardCharsets.UTF_8).length;
        if (n > MAX_SOCKET_PATH_BYTES) {
            throw new InvalidQemuConfigException("runDir", "the socket path " + socket + " is " + n
                    + " bytes, more than the " + MAX_SOCKET_PATH_BYTES + " a UNIX socket address holds; use a shorter run directory");
        }
    }
}
