package dev.jkata.qemu;

import static org.assertj.core.api.Assertions.fail;

import dev.jkata.api.Accelerator;
import dev.jkata.api.MemorySize;
import dev.jkata.qemu.config.QemuConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A tiny guest for VM tests: the kernel named by system property {@code kata.test.kernel} and an initrd holding
 * only the host's static busybox and an init script.
 */
final class TestGuest {
    static final String KERNEL_PROPERTY = "kata.test.kernel";
    static final Path BUSYBOX = Path.of("/bin/busybox");

    private TestGuest() {
    }

    /**
     * The guest kernel: {@code -Dkata.test.kernel}, else Debian's stock kernel fetched once into
     * {@code target/test-kernel} (apt-get download, never installed). Fails the test, never skips it.
     */
    static synchronized Path kernel() {
        String k = System.getProperty(KERNEL_PROPERTY, "");
        if (k.isBlank()) {
            return debianKernel();
        }
        Path p = Path.of(k);
        if (!Files.isReadable(p)) {
            fail("-D" + KERNEL_PROPERTY + "=" + k + " does not name a readable file");
        }
        return p;
    }

    private static Path debianKernel() {
        Path dir = Path.of("target", "test-kernel").toAbsolutePath();
        try {
            Files.createDirectories(dir);
            Optional<Path> have = findVmlinuz(dir);
            if (have.isPresent()) {
                return have.get();
            }
            String script = "set -e; pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/{print $2; exit}');"
                    + " [ -n \"$pkg\" ] || { echo 'apt does not know linux-image-amd64: run apt-get update' >&2; exit 1; };"
                    + " apt-get download -q \"$pkg\"; dpkg-deb --fsys-tarfile linux-image-*.deb | tar -x ./boot; rm -f linux-image-*.deb";
            Process p = new ProcessBuilder("sh", "-c", script).directory(dir.toFile()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                fail("VM tests need a guest kernel and fetching Debian's failed (or pass -D" + KERNEL_PROPERTY + "=/path/to/vmlinuz):\n" + out);
            }
            return findVmlinuz(dir).orElseThrow(() -> new AssertionError("no vmlinuz in the fetched kernel package: " + out));
        } catch (IOException e) {
            return fail("cannot fetch a guest kernel into " + dir + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return fail("interrupted while fetching a guest kernel");
        }
    }

    private static Optional<Path> findVmlinuz(Path dir) throws IOException {
        Path boot = dir.resolve("boot");
        if (!Files.isDirectory(boot)) {
            return Optional.empty();
        }
        try (var s = Files.list(boot)) {
            return s.filter(f -> f.getFileName().toString().startsWith("vmlinuz")).findFirst();
        }
    }

    /** An init that prints {@code marker} on the console and then runs {@code then} (shell). */
    static String init(String marker, String then) {
        return "#!/bin/sh\n"
                + "/bin/busybox mount -t proc proc /proc\n"
                + "echo \"" + marker + "\"\n"
                + then + "\n";
    }

    /** An init that prints the marker and idles forever. */
    static String idleInit(String marker) {
        return init(marker, "while true; do /bin/busybox sleep 1; done");
    }

    /** An init that prints the marker and powers the VM off. */
    static String powerOffInit(String marker) {
        return init(marker, "/bin/busybox poweroff -f");
    }

    /** Writes an initrd with busybox and the given init script. */
    static Path initrd(Path dir, String initScript) throws IOException {
        if (!Files.isRegularFile(BUSYBOX)) {
            fail("VM tests need a static busybox at " + BUSYBOX + ": sudo apt-get install -y busybox-static");
        }
        Path initrd = dir.resolve("initrd.cpio");
        new CpioNewcWriter()
                .dir("dev").charDevice("dev/console", 0600, 5, 1).charDevice("dev/null", 0666, 1, 3)
                .dir("proc").dir("sys").dir("bin")
                .file("bin/busybox", 0755, Files.readAllBytes(BUSYBOX))
                .symlink("bin/sh", "busybox")
                .file("init", 0755, initScript.getBytes(StandardCharsets.UTF_8))
                .writeTo(initrd);
        return initrd;
    }

    /** A small TCG VM config booting {@code initScript}, run directory {@code dir/run}. */
    static QemuConfig.Builder config(Path dir, String initScript) throws IOException {
        return QemuConfig.builder()
                .kernel(kernel())
                .initrd(initrd(dir, initScript))
                .append("panic=1")
                .accelerator(Accelerator.TCG)
                .memory(MemorySize.ofMiB(256))
                .runDir(dir.resolve("run"));
    }

    /** Waits until the console log has a line containing {@code text}. */
    static boolean awaitConsole(QemuVm vm, String text, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (consoleContains(vm.consoleLog(), text)) {
                return true;
            }
            if (!vm.isAlive()) {
                return consoleContains(vm.consoleLog(), text);
            }
            Thread.sleep(100);
        }
        return false;
    }

    static boolean consoleContains(Path log, String text) {
        try {
            return Files.exists(log) && Files.readString(log, StandardCharsets.ISO_8859_1).contains(text);
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Whether a process is gone: no such pid, or a zombie nobody reaps (in containers whose pid 1 does not reap
     * orphans, a killed orphan stays a zombie; it is dead all the same).
     */
    static boolean isGone(long pid) {
        Path stat = Path.of("/proc", Long.toString(pid), "stat");
        try {
            String s = Files.readString(stat);
            char state = s.charAt(s.lastIndexOf(')') + 2);
            return state == 'Z' || state == 'X';
        } catch (IOException e) {
            return true;
        }
    }

    static boolean awaitGone(long pid, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (isGone(pid)) {
                return true;
            }
            Thread.sleep(50);
        }
        return isGone(pid);
    }

    /** The files left in a run directory. */
    static List<Path> leftovers(Path runDir, String... names) {
        return java.util.Arrays.stream(names).map(runDir::resolve).filter(Files::exists).toList();
    }

    static Optional<String> readIfExists(Path p) {
        try {
            return Files.exists(p) ? Optional.of(Files.readString(p, StandardCharsets.ISO_8859_1)) : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
