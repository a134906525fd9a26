package dev.jkata.qemu.accel;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The inputs of the accelerator decision, as values.
 *
 * @param cpuinfo       the text of {@code /proc/cpuinfo} (empty when unreadable)
 * @param kernelModules the names under {@code /sys/module} (loaded modules and built-in subsystems)
 * @param kvm           the {@code /dev/kvm} ioctl check, run only when the static facts allow KVM
 */
public record HostFacts(String cpuinfo, Set<String> kernelModules, KvmCheck kvm) {
    public HostFacts {
        Objects.requireNonNull(cpuinfo, "cpuinfo");
        kernelModules = Set.copyOf(kernelModules);
        Objects.requireNonNull(kvm, "kvm");
    }

    /** This host: {@code /proc/cpuinfo}, {@code /sys/module} and the real {@code /dev/kvm}. */
    public static HostFacts host() {
        return new HostFacts(readOrEmpty(Path.of("/proc/cpuinfo")), listOrEmpty(Path.of("/sys/module")),
                new LinuxKvmCheck(Path.of("/dev/kvm")));
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static Set<String> listOrEmpty(Path dir) {
        Set<String> names = new TreeSet<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.forEach(p -> names.add(p.getFileName().toString()));
        } catch (IOException | RuntimeException e) {
            // no /sys/module: no module facts
        }
        return names;
    }
}
