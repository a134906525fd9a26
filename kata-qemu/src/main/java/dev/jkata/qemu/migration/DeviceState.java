package dev.jkata.qemu.migration;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jkata.qemu.QemuVm;
import dev.jkata.qemu.qmp.QmpClient;
import dev.jkata.qemu.qmp.QmpStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Saves a VM's device state to a file ({@link #save}) and starts a VM launched with {@code -incoming defer} from one
 * ({@link #load}). Both ends run migration with {@code x-ignore-shared}, so RAM on a shared file is not sent.
 */
public final class DeviceState {
    private static final Logger LOG = LoggerFactory.getLogger(DeviceState.class);
    /** The socket in the VM's run directory the state travels through (short: UNIX socket paths have 107 bytes). */
    static final String SOCKET = "mig.sock";
    /** Far above the few hundred KiB our VMs write: a state bigger than this is refused, not stored. */
    public static final long MAX_BYTES = 64L << 20;
    private static final long POLL_MS = 5;

    private DeviceState() {
    }

    /**
     * Stops the VM's CPUs and writes its device state to {@code file} (created 0600, replaced if there). The VM stays
     * stopped; its RAM must be on a shared {@link dev.jkata.qemu.config.RamFile}, which then holds the rest.
     *
     * @return the bytes written
     * @throws DeviceStateException when QEMU refuses or fails the migration, or within {@code deadline} does not end it
     */
    public static long save(QemuVm vm, Path file, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        QmpClient qmp = vm.qmp();
        Path socket = vm.paths().dir().resolve(SOCKET);
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            throw new DeviceStateException("cannot remove a stale " + socket + ": " + e.getMessage(), e);
        }
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
             Selector selector = Selector.open()) {
            server.bind(UnixDomainSocketAddress.of(socket));
            ignoreShared(qmp);
            qmp.stop();
            try {
                qmp.execute("migrate", Map.of("uri", "unix:" + socket));
            } catch (RuntimeException e) {
                throw new DeviceStateException("QEMU refused to save the VM's state: " + e.getMessage(), e);
            }
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            // No QMP until the whole state is read: QEMU writes the device state holding its big lock, so a QMP
            // command sent while that write waits for this reader would wait for it too.
            SocketChannel peer = null;
            while (peer == null) {
                selector.select(remainingMillis(end, "QEMU did not connect to save the state"));
                peer = server.accept();
                if (peer == null && !vm.isAlive()) {
                    throw new DeviceStateException("QEMU exited during the migration: " + exitText(vm));
                }
            }
            long n;
            try (SocketChannel in = peer;
                 FileChannel out = FileChannel.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                         StandardOpenOption.TRUNCATE_EXISTING), java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                         java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")))) {
                n = copy(in, out, selector, end);
                out.force(true);
            }
            awaitMigration(qmp, vm, end, "completed");
            LOG.debug("Saved the device state of QEMU pid {}: {} bytes", vm.pid(), n);
            return n;
        } catch (IOException e) {
            throw new DeviceStateException("saving the VM's state to " + file + " failed: " + e.getMessage(), e);
        } finally {
            deleteQuietly(socket);
        }
    }

    /**
     * Loads the device state in {@code file} into a VM launched with {@code -incoming defer} and resumes its CPUs.
     *
     * @throws DeviceStateException when QEMU rejects the state (it then exits), or does not take it within {@code deadline}
     */
    public static void load(QemuVm vm, Path file, Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        QmpClient qmp = vm.qmp();
        Path socket = vm.paths().dir().resolve(SOCKET);
        try {
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                throw new DeviceStateException(DeviceStateException.Kind.REJECTED, file + " holds " + size
                        + " bytes, more than a device state has", null);
            }
            Files.deleteIfExists(socket);
            ignoreShared(qmp);
            qmp.execute("migrate-incoming", Map.of("uri", "unix:" + socket));
            try (SocketChannel out = connect(socket, vm, end); InputStream in = Files.newInputStream(file)) {
                OutputStream os = java.nio.channels.Channels.newOutputStream(out);
                in.transferTo(os);
                os.flush();
                out.shutdownOutput();
            }
            awaitStatus(qmp, vm, end);
            qmp.cont();
        } catch (IOException e) {
            throw new DeviceStateException("loading the VM's state from " + file + " failed: " + e.getMessage(), e);
        } catch (DeviceStateException e) {
            throw e;
        } catch (RuntimeException e) {
            if (!vm.isAlive()) {
                throw new DeviceStateException(DeviceStateException.Kind.REJECTED, "QEMU rejected the saved state and exited: "
                        + exitText(vm), e);
            }
            throw new DeviceStateException("loading the VM's state from " + file + " failed: " + e.getMessage(), e);
        } finally {
            deleteQuietly(socket);
        }
    }

    private static void ignoreShared(QmpClient qmp) {
        qmp.execute("migrate-set-capabilities", Map.of("capabilities",
                List.of(Map.of("capability", "x-ignore-shared", "state", true))));
    }

    private static long copy(SocketChannel in, FileChannel out, Selector selector, long end) throws IOException {
        in.configureBlocking(false);
        in.register(selector, SelectionKey.OP_READ);
        ByteBuffer buf = ByteBuffer.allocate(64 << 10);
        long total = 0;
        while (true) {
            int r = in.read(buf);
            if (r < 0) {
                return total;
            }
            if (r == 0) {
                selector.selectedKeys().clear();
                selector.select(remainingMillis(end, "QEMU did not finish sending the state"));
                continue;
            }
            total += r;
            if (total > MAX_BYTES) {
                throw new DeviceStateException("QEMU sent more than " + MAX_BYTES + " bytes of device state");
            }
            buf.flip();
            while (buf.hasRemaining()) {
                out.write(buf);
            }
            buf.clear();
        }
    }

    private static SocketChannel connect(Path socket, QemuVm vm, long end) throws IOException {
        while (true) {
            if (Files.exists(socket)) {
                try {
                    return SocketChannel.open(UnixDomainSocketAddress.of(socket));
                } catch (java.net.ConnectException e) {
                    // bound, not yet listening
                }
            }
            if (!vm.isAlive()) {
                throw new DeviceStateException("QEMU exited before it took the saved state: " + exitText(vm));
            }
            sleep(end, "QEMU did not listen for the saved state");
        }
    }

    /** Waits for the incoming side to finish: the VM then stands paused (the template was saved stopped). */
    private static void awaitStatus(QmpClient qmp, QemuVm vm, long end) {
        while (true) {
            QmpStatus s = qmp.queryStatus();
            if (s.running() || s.status().equals("paused")) {
                return;
            }
            if (!s.status().equals("inmigrate") && !s.status().equals("prelaunch")) {
                throw new DeviceStateException("QEMU is '" + s.status() + "' after taking the saved state");
            }
            if (!vm.isAlive()) {
                throw new DeviceStateException("QEMU exited while taking the saved state: " + exitText(vm));
            }
            sleep(end, "QEMU did not finish taking the saved state");
        }
    }

    private static void awaitMigration(QmpClient qmp, QemuVm vm, long end, String goal) {
        while (true) {
            String status = failIfMigrationFailed(qmp, vm);
            if (status.equals(goal)) {
                return;
            }
            sleep(end, "the migration did not reach '" + goal + "' (it is '" + status + "')");
        }
    }

    private static String failIfMigrationFailed(QmpClient qmp, QemuVm vm) {
        if (!vm.isAlive()) {
            throw new DeviceStateException("QEMU exited during the migration: " + exitText(vm));
        }
        JsonNode r = qmp.execute("query-migrate");
        String status = r.path("status").asText("none");
        if (status.equals("failed") || status.equals("cancelled")) {
            throw new DeviceStateException(status.equals("failed") ? DeviceStateException.Kind.REJECTED
                    : DeviceStateException.Kind.FAILED, "QEMU's migration " + status + ": "
                    + r.path("error-desc").asText("no reason given"), null);
        }
        return status;
    }

    private static long remainingMillis(long end, String what) {
        long left = (end - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
            throw new DeviceStateException(DeviceStateException.Kind.TIMED_OUT, what + " in time", null);
        }
        return Math.max(1, Math.min(left, 50));
    }

    private static void sleep(long end, String what) {
        remainingMillis(end, what);
        try {
            Thread.sleep(POLL_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DeviceStateException(DeviceStateException.Kind.INTERRUPTED, "interrupted: " + what, null);
        }
    }

    private static String exitText(QemuVm vm) {
        List<String> tail = vm.stderrTail();
        return tail.isEmpty() ? "QEMU wrote nothing to stderr" : String.join(" | ", tail);
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.debug("cannot remove {}: {}", p, e.getMessage());
        }
    }
}
