package dev.jkata.agent.container;

import dev.jkata.agent.protocol.proto.LinuxResources;
import dev.jkata.agent.errors.AgentException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * UpdateContainer's resources, written to the container's cgroup v2 files: memory limit ({@code memory.max}), CPU
 * quota over a period ({@code cpu.max}), CPU shares as a weight ({@code cpu.weight}) and a process count
 * ({@code pids.max}). A field left at 0 is left as it is; -1 lifts a limit ("max"). Checked before anything is
 * written, so a bad request changes nothing.
 */
public final class CgroupLimits {
    private static final long DEFAULT_PERIOD = 100_000;
    private static final long MIN_MEMORY = 4L << 20;

    private CgroupLimits() {}

    public static void apply(Path cgroup, LinuxResources r) {
        long memory = r.getMemory().getLimit();
        long quota = r.getCPU().getQuota();
        long period = r.getCPU().getPeriod();
        long shares = r.getCPU().getShares();
        long pids = r.getPids().getLimit();
        if (memory < -1 || memory > 0 && memory < MIN_MEMORY) {
            throw AgentException.invalid("memory limit " + memory + " is below " + MIN_MEMORY + " bytes");
        }
        if (quota < -1 || period < 0 || period > 0 && (period < 1000 || period > 1_000_000)) {
            throw AgentException.invalid("CPU quota " + quota + " over period " + period + " is not a quota (µs, -1 for"
                    + " none) over a period of 1000 to 1000000 µs");
        }
        if (pids < -1) {
            throw AgentException.invalid("pids limit " + pids + " is not a count (-1 for none)");
        }
        if (!Files.isDirectory(cgroup)) {
            throw AgentException.precondition("the container has no cgroup at " + cgroup);
        }
        if (memory != 0) {
            write(cgroup, "memory.max", memory == -1 ? "max" : Long.toString(memory));
        }
        if (quota != 0 || period != 0) {
            long p = period == 0 ? DEFAULT_PERIOD : period;
            write(cgroup, "cpu.max", (quota <= 0 ? "max" : Long.toString(quota)) + " " + p);
        }
        if (shares != 0) {
            // cgroup v1 shares (2..262144) to v2 weight (1..10000), as runc converts them
            long s = Math.max(2, Math.min(262_144, shares));
            write(cgroup, "cpu.weight", Long.toString(1 + ((s - 2) * 9999) / 262_142));
        }
        if (pids != 0) {
            write(cgroup, "pids.max", pids == -1 ? "max" : Long.toString(pids));
        }
    }

    private static void write(Path cgroup, String file, String value) {
        try {
            Files.writeString(cgroup.resolve(file), value, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw AgentException.precondition("cannot set " + file + " of " + cgroup + " to " + value + ": " + e.getMessage()
                    + " (is its controller enabled in the guest?)");
        }
    }
}
