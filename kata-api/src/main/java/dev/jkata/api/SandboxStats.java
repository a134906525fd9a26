package dev.jkata.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a sandbox has used ({@link Sandbox#stats()}): its default container's figures from the guest, and the
 * whole VM's from the host.
 *
 * @param container      the default container's
 * @param hypervisorCpu  CPU time the VM's host process took (every guest vCPU and device), empty where there is none
 * @param hypervisorMemory memory the VM's host process holds (its resident set), empty where there is none
 * @param diskUsed       bytes used on the sandbox's disk, empty without one
 * @param diskSize       its size, empty without one
 * @param networkRxBytes bytes the guest received on its network interfaces (zero without a network)
 * @param networkTxBytes bytes it sent
 */
public record SandboxStats(ContainerStats container, Optional<Duration> hypervisorCpu,
                           Optional<MemorySize> hypervisorMemory, Optional<MemorySize> diskUsed,
                           Optional<MemorySize> diskSize, long networkRxBytes, long networkTxBytes) {
    public SandboxStats {
        Objects.requireNonNull(container, "container");
        Objects.requireNonNull(hypervisorCpu, "hypervisorCpu");
        Objects.requireNonNull(hypervisorMemory, "hypervisorMemory");
        Objects.requireNonNull(diskUsed, "diskUsed");
        Objects.requireNonNull(diskSize, "diskSize");
    }
}
