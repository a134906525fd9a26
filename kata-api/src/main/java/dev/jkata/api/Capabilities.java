package dev.jkata.api;

import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The Linux capabilities a process runs with, as the OCI runtime spec's five sets. Names are {@code CAP_*} (a name
 * without the prefix, {@code NET_ADMIN}, gets it). {@link #dockerDefault()} is what containers get unless told
 * otherwise; {@link #of} gives a process exactly the named ones (bounding, effective and permitted).
 */
public record Capabilities(Set<String> bounding, Set<String> effective, Set<String> inheritable, Set<String> permitted,
                           Set<String> ambient) {

    /** Docker's default set: what a container gets unless told otherwise (CapEff {@code 00000000a80425fb}). */
    public static final List<String> DOCKER_DEFAULT = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
            "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE",
            "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");

    /** Every capability Linux 6.1 knows, for a privileged container. */
    public static final List<String> ALL = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER",
            "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
            "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER",
            "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN",
            "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD",
            "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
            "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
            "CAP_CHECKPOINT_RESTORE");

    public Capabilities {
        bounding = names(bounding, "bounding");
        effective = names(effective, "effective");
        inheritable = names(inheritable, "inheritable");
        permitted = names(permitted, "permitted");
        ambient = names(ambient, "ambient");
    }

    /** Exactly {@code names}, in the bounding, effective and permitted sets; none inheritable or ambient. */
    public static Capabilities of(Collection<String> names) {
        return new Capabilities(Set.copyOf(names), Set.copyOf(names), Set.of(), Set.copyOf(names), Set.of());
    }

    /** Exactly {@code names} ({@code CAP_NET_ADMIN} or {@code NET_ADMIN}). */
    public static Capabilities of(String... names) {
        return of(List.of(names));
    }

    /** None at all: {@code --cap-drop=all}. */
    public static Capabilities none() {
        return of(List.of());
    }

    /** Docker's default set. */
    public static Capabilities dockerDefault() {
        return of(DOCKER_DEFAULT);
    }

    /** Every capability: a privileged container's. */
    public static Capabilities all() {
        return of(ALL);
    }

    /** Docker's default set with {@code add} added and {@code drop} dropped ({@code ALL} in drop drops every one first). */
    public static Capabilities dockerDefault(Collection<String> add, Collection<String> drop) {
        Set<String> out = new LinkedHashSet<>();
        boolean dropAll = drop.stream().anyMatch(d -> d.equalsIgnoreCase("ALL"));
        if (!dropAll) {
            out.addAll(DOCKER_DEFAULT);
            out.removeAll(names(Set.copyOf(drop), "drop"));
        }
        out.addAll(names(Set.copyOf(add), "add"));
        return of(out);
    }

    private static Set<String> names(Set<String> names, String set) {
        if (names == null || names.stream().anyMatch(java.util.Objects::isNull)) {
            throw new InvalidConfigurationException("capabilities", "the " + set + " set must not be or contain null");
        }
        Set<String> out = new LinkedHashSet<>();
        for (String n : names) {
            String up = n.trim().toUpperCase(Locale.ROOT);
            String full = up.startsWith("CAP_") ? up : "CAP_" + up;
            if (!full.matches("CAP_[A-Z_]{2,32}")) {
                throw new InvalidConfigurationException("capabilities", "'" + n + "' in the " + set + " set is not a"
                        + " capability name such as CAP_NET_ADMIN");
            }
            out.add(full);
        }
        return java.util.Collections.unmodifiableSet(out);
    }
}
