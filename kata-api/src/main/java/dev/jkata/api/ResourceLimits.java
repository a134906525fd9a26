package dev.jkata.api;

import java.util.Optional;
import java.util.OptionalLong;

/**
 * Limits on a container's processes inside its guest (its cgroup there), as {@code docker update} or
 * {@code runc update} set them: memory, CPU time per period, process count. An absent limit is left as it is.
 * These bound the container within its VM; the VM's own memory and vCPUs are fixed when the sandbox starts, so a
 * memory limit above the VM's memory limits nothing more.
 *
 * @param memory          the most memory its processes may use
 * @param cpuQuotaMicros  CPU time per period, in microseconds
 * @param cpuPeriodMicros the period the quota is over, 1000 to 1000000 µs (the guest's default, 100000, when absent)
 * @param pids            the most processes and threads
 */
public record ResourceLimits(Optional<MemorySize> memory, OptionalLong cpuQuotaMicros, OptionalLong cpuPeriodMicros,
                             OptionalLong pids) {
    public ResourceLimits {
        java.util.Objects.requireNonNull(memory, "memory");
        if (memory.isPresent() && memory.get().toMiB() < 4) {
            throw new InvalidConfigurationException("memory", "a container memory limit must be at least 4M, not " + memory.get());
        }
        if (cpuQuotaMicros.isPresent() && cpuQuotaMicros.getAsLong() < 1000) {
            throw new InvalidConfigurationException("cpu quota", "must be at least 1000 µs, not " + cpuQuotaMicros.getAsLong());
        }
        if (cpuPeriodMicros.isPresent() && (cpuPeriodMicros.getAsLong() < 1000 || cpuPeriodMicros.getAsLong() > 1_000_000)) {
            throw new InvalidConfigurationException("cpu period", "must be 1000 to 1000000 µs, not " + cpuPeriodMicros.getAsLong());
        }
        if (pids.isPresent() && pids.getAsLong() < 1) {
            throw new InvalidConfigurationException("pids", "must be at least 1, not " + pids.getAsLong());
        }
    }

    /** No change. */
    public static ResourceLimits none() {
        return new ResourceLimits(Optional.empty(), OptionalLong.empty(), OptionalLong.empty(), OptionalLong.empty());
    }

    public ResourceLimits withMemory(MemorySize limit) {
        return new ResourceLimits(Optional.of(limit), cpuQuotaMicros, cpuPeriodMicros, pids);
    }

    public ResourceLimits withCpu(long quotaMicros, long periodMicros) {
        return new ResourceLimits(memory, OptionalLong.of(quotaMicros), OptionalLong.of(periodMicros), pids);
    }

    public ResourceLimits withPids(long limit) {
        return new ResourceLimits(memory, cpuQuotaMicros, cpuPeriodMicros, OptionalLong.of(limit));
    }
}
