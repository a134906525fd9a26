package dev.jkata.core.guest;

import dev.jkata.api.SandboxSpec;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What a sandbox asks of its launcher.
 *
 * @param sandboxId the sandbox's id, for names and logs
 * @param spec      the sandbox's spec (memory, CPUs, kernel, image, accelerator, boot timeout)
 * @param runDir    the sandbox's own state directory: the guest's sockets and logs go here and nowhere else;
 *                  removed by the sandbox after the guest stops
 * @param shares    the host directories to share, the container root file system first
 * @param disk      the sandbox's scratch disk, or empty
 * @param nics      network devices on taps of one network namespace, or none
 */
public record GuestRequest(String sandboxId, SandboxSpec spec, Path runDir, List<GuestShare> shares,
                           java.util.Optional<GuestDisk> disk, List<GuestNic> nics) {
    public GuestRequest {
        nics = List.copyOf(nics);
        if (nics.stream().map(GuestNic::namespace).distinct().count() > 1) {
            throw new IllegalArgumentException("every NIC of a guest is in one network namespace, not " + nics);
        }
        Objects.requireNonNull(disk, "disk");
        Objects.requireNonNull(sandboxId, "sandboxId");
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(runDir, "runDir");
        shares = List.copyOf(shares);
        if (shares.isEmpty()) {
            throw new IllegalArgumentException("a guest needs at least the container root file system share");
        }
    }

    /** A request without NICs. */
    public GuestRequest(String sandboxId, SandboxSpec spec, Path runDir, List<GuestShare> shares,
                        java.util.Optional<GuestDisk> disk) {
        this(sandboxId, spec, runDir, shares, disk, List.of());
    }
}
