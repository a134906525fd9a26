package dev.jkata.qemu.check;

import dev.jkata.api.MemorySize;
import dev.jkata.qemu.HostExecutables;
import dev.jkata.qemu.QemuBinary;
import dev.jkata.qemu.QemuHypervisor;
import dev.jkata.qemu.HostCommand;
import dev.jkata.qemu.SeccompProbe;
import dev.jkata.qemu.accel.AcceleratorProbe;
import dev.jkata.qemu.accel.AcceleratorVerdict;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Inspects this host for running jkata VMs: runs {@code qemu-system-x86_64 --version}, {@code -device help} and
 * {@code -sandbox on -version}, asks the {@link AcceleratorProbe}, and reads {@code /proc/meminfo}. Every command
 * has a deadline. Never throws for a missing dependency: that is a failed {@link CheckItem} with the fix.
 */
public final class HostCheck {
    /** Below this much available memory the report fails: a guest alone needs about this. */
    public static final MemorySize MIN_MEMORY = MemorySize.ofMiB(256);
    /** Below this it warns: room for one sandbox with a JVM agent. */
    public static final MemorySize COMFORTABLE_MEMORY = MemorySize.ofGiB(1);

    private static final Pattern MEM_AVAILABLE = Pattern.compile("(?m)^MemAvailable:\\s+(\\d+)\\s*kB");
    private static final Pattern DEVICE_NAME = Pattern.compile("(?m)^name \"([^\"]+)\"");

    private final Optional<Path> qemu;
    private final Optional<Path> setpriv;
    private final AcceleratorProbe probe;
    private final Path meminfo;
    private final Duration commandTimeout;

    /**
     * A check with explicit inputs.
     *
     * @param qemu           the QEMU binary, or empty when none is installed
     * @param setpriv        the setpriv binary, or empty
     * @param probe          the accelerator probe
     * @param meminfo        the file to read {@code MemAvailable} from
     * @param commandTimeout the deadline of each QEMU command
     */
    public HostCheck(Optional<Path> qemu, Optional<Path> setpriv, AcceleratorProbe probe, Path meminfo, Duration commandTimeout) {
        this.qemu = Objects.requireNonNull(qemu, "qemu");
        this.setpriv = Objects.requireNonNull(setpriv, "setpriv");
        this.probe = Objects.requireNonNull(probe, "probe");
        this.meminfo = Objects.requireNonNull(meminfo, "meminfo");
        this.commandTimeout = Objects.requireNonNull(commandTimeout, "commandTimeout");
    }

    /** Checks this host. */
    public static HostReport run() {
        return forThisHost().check();
    }

    /** A check of this host, with the binaries found on PATH. */
    public static HostCheck forThisHost() {
        return new HostCheck(HostExecutables.find(QemuBinary.NAME), HostExecutables.find(QemuHypervisor.SETPRIV),
                AcceleratorProbe.host(), Path.of("/proc/meminfo"), Duration.ofSeconds(20));
    }

    /** Runs every check. */
    public HostReport check() {
        List<CheckItem> checks = new ArrayList<>();
        Optional<String> version = Optional.empty();
        List<String> devices = List.of();
        boolean sandbox = false;
        boolean slirp = false;
        if (qemu.isEmpty()) {
            checks.add(CheckItem.fail("qemu", QemuBinary.NAME + " not found on PATH or in /usr/bin; install it with: "
                    + QemuBinary.INSTALL));
        } else {
            String bin = qemu.get().toString();
            HostCommand.Result v = HostCommand.run(List.of(bin, "--version"), commandTimeout);
            if (v.succeeded()) {
                version = Optional.of(v.output().lines().findFirst().orElse("").trim());
                checks.add(CheckItem.ok("qemu", bin + ": " + version.get()));
            } else {
                checks.add(CheckItem.fail("qemu", bin + " --version failed: " + v.output().trim()));
            }
            HostCommand.Result d = HostCommand.run(List.of(bin, "-device", "help"), commandTimeout);
            devices = d.succeeded() ? deviceNames(d.output()) : List.of();
            sandbox = SeccompProbe.supports(qemu.get());
            HostCommand.Result n = HostCommand.run(List.of(bin, "-netdev", "help"), commandTimeout);
            slirp = n.succeeded() && n.output().lines().anyMatch(l -> l.trim().equals("user"));
        }
        boolean nineP = devices.contains("virtio-9p-pci");
        boolean nvdimm = devices.contains("nvdimm");
        boolean serial = devices.contains("virtio-serial-pci") && devices.contains("virtserialport");

        AcceleratorVerdict accel = probe.detect();
        checks.add(accel.isKvm() ? CheckItem.ok("accelerator", "KVM: " + accel.reason())
                : CheckItem.warn("accelerator", "TCG (software emulation, slower): " + accel.reason()));
        if (qemu.isPresent()) {
            checks.add(nineP ? CheckItem.ok("virtio-9p", "QEMU has virtio-9p-pci (container rootfs sharing)")
                    : CheckItem.fail("virtio-9p", "QEMU lacks virtio-9p-pci, needed to share the container rootfs; "
                    + "install Debian's qemu-system-x86, which has it"));
            checks.add(serial ? CheckItem.ok("virtio-serial", "QEMU has virtio-serial-pci and virtserialport (agent channel)")
                    : CheckItem.fail("virtio-serial", "QEMU lacks virtio-serial-pci or virtserialport, needed for the agent channel"));
            checks.add(nvdimm ? CheckItem.ok("nvdimm", "QEMU has nvdimm (rootfs image mapped from the host)")
                    : CheckItem.warn("nvdimm", "QEMU lacks nvdimm; only initrd guest images can be used"));
            checks.add(CheckItem.ok("network", "published ports and allow-listed networks (carried on a virtio-serial port"
                    + " of their own: nothing to install)"));
            checks.add(slirp ? CheckItem.ok("network-nat", "QEMU has user-mode networking (slirp): Network.nat() works")
                    : CheckItem.warn("network-nat", "QEMU lacks user-mode networking (-netdev user): Network.nat() without"
                    + " an allow-list cannot be used; install Debian's qemu-system-x86, which has it"));
            checks.add(sandbox ? CheckItem.ok("seccomp", "QEMU accepts -sandbox " + dev.jkata.qemu.device.Seccomp.POLICY)
                    : CheckItem.warn("seccomp", "QEMU does not accept -sandbox on; VMs run without QEMU's seccomp filter"));
        }
        checks.add(setpriv.isPresent()
                ? CheckItem.ok("setpriv", setpriv.get() + " (QEMU dies with the JVM that started it)")
                : CheckItem.fail("setpriv", "setpriv not found; it makes QEMU die with its JVM; install it with: "
                + QemuHypervisor.SETPRIV_INSTALL));

        Optional<MemorySize> mem = memAvailable(meminfo);
        if (mem.isEmpty()) {
            checks.add(CheckItem.warn("memory", "cannot read MemAvailable from " + meminfo));
        } else if (mem.get().compareTo(MIN_MEMORY) < 0) {
            checks.add(CheckItem.fail("memory", mem.get().toMiB() + " MiB available, less than the "
                    + MIN_MEMORY.toMiB() + " MiB one VM needs"));
        } else if (mem.get().compareTo(COMFORTABLE_MEMORY) < 0) {
            checks.add(CheckItem.warn("memory", mem.get().toMiB() + " MiB available; a sandbox with a JVM agent wants "
                    + COMFORTABLE_MEMORY.toMiB() + " MiB"));
        } else {
            checks.add(CheckItem.ok("memory", mem.get().toMiB() + " MiB available"));
        }
        return new HostReport(qemu, version, accel, nineP, nvdimm, serial, sandbox, mem, checks);
    }

    /** The device names in QEMU's {@code -device help} output. */
    static List<String> deviceNames(String help) {
        List<String> names = new ArrayList<>();
        Matcher m = DEVICE_NAME.matcher(help);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** {@code MemAvailable} from a meminfo file, if present. */
    static Optional<MemorySize> memAvailable(Path meminfo) {
        try {
            return parseMemAvailable(Files.readString(meminfo));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static Optional<MemorySize> parseMemAvailable(String text) {
        Matcher m = MEM_AVAILABLE.matcher(text);
        return m.find() ? Optional.of(MemorySize.ofKiB(Long.parseLong(m.group(1)))) : Optional.empty();
    }
}
