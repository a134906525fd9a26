package dev.jkata.api;

import java.util.List;
import java.util.Optional;

/**
 * What bounds a container's processes inside the guest: the boundary between the containers of one VM (a pod's).
 * A container's settings apply to its init and are the ceiling for every process run in it: an {@link ExecSpec}
 * may ask for fewer capabilities, never more, and a container with {@code noNewPrivileges} keeps it for all.
 *
 * @param capabilities    empty: Docker's default set ({@link Capabilities#dockerDefault()})
 * @param noNewPrivileges no process gains privileges through set-uid files or file capabilities
 * @param readOnlyRoot    the root file system is read-only (writes fail with EROFS); mounted volumes keep their own mode
 * @param maskedPaths     paths that read as empty; empty: Docker's list, none for a privileged container
 * @param readonlyPaths   paths made read-only; empty: Docker's list, none for a privileged container
 * @param seccomp         a system-call filter; empty: none
 */
public record Security(Optional<Capabilities> capabilities, boolean noNewPrivileges, boolean readOnlyRoot,
                       Optional<List<String>> maskedPaths, Optional<List<String>> readonlyPaths, Optional<Seccomp> seccomp) {

    /** Docker's masked paths: what a container reads as empty. */
    public static final List<String> DOCKER_MASKED = List.of("/proc/asound", "/proc/acpi", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware", "/sys/devices/virtual/powercap");
    /** Docker's read-only paths. */
    public static final List<String> DOCKER_READONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
            "/proc/sysrq-trigger");

    public Security {
        if (capabilities == null || maskedPaths == null || readonlyPaths == null || seccomp == null) {
            throw new InvalidConfigurationException("security", "must not hold null; use Optional.empty()");
        }
        maskedPaths = maskedPaths.map(p -> paths(p, "maskedPaths"));
        readonlyPaths = readonlyPaths.map(p -> paths(p, "readonlyPaths"));
    }

    /** Docker's defaults: its capability set, masked and read-only paths; no seccomp filter of jkata's. */
    public static Security defaults() {
        return new Security(Optional.empty(), false, false, Optional.empty(), Optional.empty(), Optional.empty());
    }

    /** A privileged container's: every capability, nothing masked or read-only. */
    public static Security privileged() {
        return new Security(Optional.of(Capabilities.all()), false, false, Optional.of(List.of()), Optional.of(List.of()),
                Optional.empty());
    }

    /** The capabilities processes get: the ones given, else Docker's. */
    public Capabilities effectiveCapabilities() {
        return capabilities.orElseGet(Capabilities::dockerDefault);
    }

    public Security withCapabilities(Capabilities c) {
        return new Security(Optional.of(c), noNewPrivileges, readOnlyRoot, maskedPaths, readonlyPaths, seccomp);
    }

    public Security withNoNewPrivileges() {
        return new Security(capabilities, true, readOnlyRoot, maskedPaths, readonlyPaths, seccomp);
    }

    public Security withReadOnlyRoot() {
        return new Security(capabilities, noNewPrivileges, true, maskedPaths, readonlyPaths, seccomp);
    }

    public Security withPaths(List<String> masked, List<String> readonly) {
        return new Security(capabilities, noNewPrivileges, readOnlyRoot, Optional.of(masked), Optional.of(readonly), seccomp);
    }

    public Security withSeccomp(Seccomp s) {
        return new Security(capabilities, noNewPrivileges, readOnlyRoot, maskedPaths, readonlyPaths, Optional.of(s));
    }

    private static List<String> paths(List<String> paths, String field) {
        for (String p : paths) {
            if (p == null || !p.startsWith("/") || p.contains("\0") || p.length() > 4096) {
                throw new InvalidConfigurationException(field, "'" + p + "' is not an absolute path");
            }
        }
        return List.copyOf(paths);
    }
}
