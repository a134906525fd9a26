package dev.jkata.qemu.device;

import java.util.List;

/**
 * {@code -sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny}: QEMU's seccomp
 * filter with every optional deny set, so a QEMU taken over by its guest can neither fork and exec, nor change
 * its uid, nor touch scheduling and resource limits, nor call obsolete system calls. For QEMU builds that have
 * seccomp ({@code Confinement} probes, kata-check tells).
 */
public record Seccomp() implements QemuDevice {
    /** The option's value. */
    public static final String POLICY = "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny";

    @Override
    public List<String> args() {
        return List.of("-sandbox", POLICY);
    }
}
