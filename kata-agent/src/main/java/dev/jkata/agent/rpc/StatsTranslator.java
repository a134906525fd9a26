package dev.jkata.agent.rpc;

import dev.jkata.agent.protocol.proto.CgroupStats;
import dev.jkata.agent.protocol.proto.CpuStats;
import dev.jkata.agent.protocol.proto.CpuUsage;
import dev.jkata.agent.protocol.proto.MemoryData;
import dev.jkata.agent.protocol.proto.MemoryStats;
import dev.jkata.agent.protocol.proto.PidsStats;
import dev.jkata.agent.protocol.proto.StatsContainerResponse;
import dev.jkata.agent.protocol.proto.ThrottlingData;

/**
 * Cgroup v2 readings in the protocol's cgroup-v1-shaped stats: CPU times in nanoseconds (cgroup v2 counts
 * microseconds), memory usage and limit in bytes, {@code memory.stat} as the stats map with its {@code file}
 * bytes as the cache.
 */
final class StatsTranslator {
    private StatsTranslator() {}

    static StatsContainerResponse response(dev.jkata.agent.container.CgroupStats s) {
        return response(s, java.util.List.of(), java.util.Optional.empty());
    }

    /** With the guest's interfaces and its scratch disk, when it has one (jkata's extension fields). */
    static StatsContainerResponse response(dev.jkata.agent.container.CgroupStats s,
                                           java.util.List<dev.jkata.agent.system.GuestUsage.InterfaceCounters> nics,
                                           java.util.Optional<dev.jkata.agent.system.GuestUsage.FileSystemUse> disk) {
        CpuStats cpu = CpuStats.newBuilder()
                .setCpuUsage(CpuUsage.newBuilder()
                        .setTotalUsage(s.cpu("usage_usec") * 1000)
                        .setUsageInUsermode(s.cpu("user_usec") * 1000)
                        .setUsageInKernelmode(s.cpu("system_usec") * 1000))
                .setThrottlingData(ThrottlingData.newBuilder()
                        .setPeriods(s.cpu("nr_periods"))
                        .setThrottledPeriods(s.cpu("nr_throttled"))
                        .setThrottledTime(s.cpu("throttled_usec") * 1000))
                .build();
        MemoryStats memory = MemoryStats.newBuilder()
                .setCache(s.memoryStat().getOrDefault("file", 0L))
                .setUsage(MemoryData.newBuilder().setUsage(s.memoryCurrent()).setMaxUsage(s.memoryPeak())
                        .setLimit(s.memoryLimit()).setFailcnt(s.memoryFailcnt()))
                .setSwapUsage(MemoryData.newBuilder().setUsage(s.swapCurrent()).setLimit(s.swapLimit()))
                .setUseHierarchy(true)
                .putAllStats(s.memoryStat())
                .build();
        PidsStats pids = PidsStats.newBuilder().setCurrent(s.pidsCurrent()).setLimit(s.pidsLimit()).build();
        dev.jkata.agent.protocol.proto.BlkioStats io = dev.jkata.agent.protocol.proto.BlkioStats.newBuilder()
                .addIoServiceBytesRecursive(dev.jkata.agent.protocol.proto.BlkioStatsEntry.newBuilder().setOp("Read")
                        .setValue(s.ioReadBytes()))
                .addIoServiceBytesRecursive(dev.jkata.agent.protocol.proto.BlkioStatsEntry.newBuilder().setOp("Write")
                        .setValue(s.ioWriteBytes()))
                .build();
        StatsContainerResponse.Builder r = StatsContainerResponse.newBuilder()
                .setCgroupStats(CgroupStats.newBuilder().setCpuStats(cpu).setMemoryStats(memory).setPidsStats(pids)
                        .setBlkioStats(io))
                .setJkataOomKills(s.oomKills());
        for (var n : nics) {
            r.addNetworkStats(dev.jkata.agent.protocol.proto.NetworkStats.newBuilder().setName(n.name())
                    .setRxBytes(n.rxBytes()).setRxPackets(n.rxPackets()).setRxErrors(n.rxErrors()).setRxDropped(n.rxDropped())
                    .setTxBytes(n.txBytes()).setTxPackets(n.txPackets()).setTxErrors(n.txErrors()).setTxDropped(n.txDropped()));
        }
        disk.ifPresent(d -> r.setJkataDiskUsedBytes(d.used()).setJkataDiskSizeBytes(d.size()));
        return r.build();
    }
}
