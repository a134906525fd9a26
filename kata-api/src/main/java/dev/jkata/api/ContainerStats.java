package dev.jkata.api;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * What a container has used, from its cgroup in the guest ({@link Container#stats()}): cheap enough to poll every
 * second.
 *
 * @param cpu         CPU time its processes took, user and system
 * @param memory      memory it holds now (its page cache included)
 * @param memoryPeak  the most it held at once (zero where the guest kernel does not say)
 * @param memoryLimit its limit, if it has one
 * @param pids        processes (and threads) alive in it
 * @param readBytes   bytes its processes read from block devices (its disk)
 * @param writeBytes  bytes they wrote to them
 * @param oomKills    processes of it the OOM killer ended
 */
public record ContainerStats(Duration cpu, MemorySize memory, MemorySize memoryPeak, Optional<MemorySize> memoryLimit,
                             long pids, long readBytes, long writeBytes, long oomKills) {
    public ContainerStats {
        Objects.requireNonNull(cpu, "cpu");
        Objects.requireNonNull(memory, "memory");
        Objects.requireNonNull(memoryPeak, "memoryPeak");
        Objects.requireNonNull(memoryLimit, "memoryLimit");
    }
}
