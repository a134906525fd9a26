package dev.jkata.core.sandbox;

import dev.jkata.agent.protocol.proto.BlkioStatsEntry;
import dev.jkata.agent.protocol.proto.NetworkStats;
import dev.jkata.agent.protocol.proto.StatsContainerResponse;
import dev.jkata.api.ContainerStats;
import dev.jkata.api.MemorySize;
import dev.jkata.api.SandboxStats;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The agent's StatsContainer in the API's types, and the host's view of the VM's process ({@code /proc/<pid>}). The
 * guest's figures are its word: a negative or absurd one reads as zero, never as an error of the caller's.
 */
final class UsageReadings {
    /** USER_HZ: Linux reports process times in hundredths of a second. */
    private static final long TICKS_PER_SECOND = 100;

    private UsageReadings() {
    }

    static ContainerStats container(StatsContainerResponse r) {
        var cg = r.getCgroupStats();
        var mem = cg.getMemoryStats().getUsage();
        long read = 0;
        long write = 0;
        for (BlkioStatsEntry e : cg.getBlkioStats().getIoServiceBytesRecursiveList()) {
            if (e.getOp().equalsIgnoreCase("read")) {
                read += sane(e.getValue());
            } else if (e.getOp().equalsIgnoreCase("write")) {
                write += sane(e.getValue());
            }
        }
        return new ContainerStats(Duration.ofNanos(sane(cg.getCpuStats().getCpuUsage().getTotalUsage())),
                MemorySize.ofBytes(sane(mem.getUsage())), MemorySize.ofBytes(sane(mem.getMaxUsage())),
                mem.getLimit() > 0 ? Optional.of(MemorySize.ofBytes(sane(mem.getLimit()))) : Optional.empty(),
                sane(cg.getPidsStats().getCurrent()), read, write, sane(r.getJkataOomKills()));
    }

    static SandboxStats sandbox(StatsContainerResponse r, OptionalLong hypervisorPid) {
        long rx = 0;
        long tx = 0;
        for (NetworkStats n : r.getNetworkStatsList()) {
            rx += sane(n.getRxBytes());
            tx += sane(n.getTxBytes());
        }
        boolean disk = r.getJkataDiskSizeBytes() > 0;
        Optional<Duration> cpu = Optional.empty();
        Optional<MemorySize> rss = Optional.empty();
        if (hypervisorPid.isPresent()) {
            cpu = cpuTime(Path.of("/proc", Long.toString(hypervisorPid.getAsLong())));
            rss = residentSet(Path.of("/proc", Long.toString(hypervisorPid.getAsLong())));
        }
        return new SandboxStats(container(r), cpu, rss,
                disk ? Optional.of(MemorySize.ofBytes(sane(r.getJkataDiskUsedBytes()))) : Optional.empty(),
                disk ? Optional.of(MemorySize.ofBytes(sane(r.getJkataDiskSizeBytes()))) : Optional.empty(), rx, tx);
    }

    /** utime + stime of {@code /proc/<pid>/stat}. */
    static Optional<Duration> cpuTime(Path proc) {
        try {
            String stat = Files.readString(proc.resolve("stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            long ticks = Long.parseLong(f[11]) + Long.parseLong(f[12]);
            return Optional.of(Duration.ofMillis(ticks * 1000 / TICKS_PER_SECOND));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** VmRSS of {@code /proc/<pid>/status}. */
    static Optional<MemorySize> residentSet(Path proc) {
        try {
            for (String line : Files.readAllLines(proc.resolve("status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Optional.of(MemorySize.ofKiB(Long.parseLong(line.substring(6).strip().split("\\s+")[0])));
                }
            }
        } catch (IOException | RuntimeException e) {
            // gone
        }
        return Optional.empty();
    }

    /** A guest's unsigned counter as a non-negative long; one past Long.MAX_VALUE (a broken guest) reads as zero. */
    private static long sane(long v) {
        return Math.max(0, v);
    }
}
