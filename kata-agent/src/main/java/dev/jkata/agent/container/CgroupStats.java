package dev.jkata.agent.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A container's resource usage, read from its cgroup v2 files. A file that is missing (the controller is
 * not enabled, the container stopped) reads as 0; a limit of {@code max} reads as 0, "no limit".
 *
 * @param memoryCurrent {@code memory.current}, bytes
 * @param memoryPeak    {@code memory.peak}, bytes (kernels from 5.19)
 * @param memoryLimit   {@code memory.max}, bytes; 0 without a limit
 * @param swapCurrent   {@code memory.swap.current}, bytes
 * @param swapLimit     {@code memory.swap.max}, bytes; 0 without a limit
 * @param memoryStat    {@code memory.stat}, by key
 * @param memoryFailcnt {@code memory.events} max: how often the limit was hit
 * @param cpuStat       {@code cpu.stat}, by key ({@code usage_usec}, {@code user_usec}, {@code system_usec},
 *                      {@code nr_periods}, {@code nr_throttled}, {@code throttled_usec})
 * @param pidsCurrent   {@code pids.current}
 * @param pidsLimit     {@code pids.max}; 0 without a limit
 * @param oomKills      {@code memory.events} oom_kill: processes the OOM killer ended
 * @param ioReadBytes   {@code io.stat} rbytes, over every device
 * @param ioWriteBytes  {@code io.stat} wbytes, over every device
 */
public record CgroupStats(long memoryCurrent, long memoryPeak, long memoryLimit, long swapCurrent, long swapLimit,
                          Map<String, Long> memoryStat, long memoryFailcnt, Map<String, Long> cpuStat,
                          long pidsCurrent, long pidsLimit, long oomKills, long ioReadBytes, long ioWriteBytes) {

    /** Reads the cgroup directory {@code dir}. */
    public static CgroupStats read(Path dir) {
        Map<String, Long> events = keyed(dir.resolve("memory.events"));
        long[] io = io(dir.resolve("io.stat"));
        return new CgroupStats(
                value(dir.resolve("memory.current")),
                value(dir.resolve("memory.peak")),
                value(dir.resolve("memory.max")),
                value(dir.resolve("memory.swap.current")),
                value(dir.resolve("memory.swap.max")),
                keyed(dir.resolve("memory.stat")),
                events.getOrDefault("max", 0L),
                keyed(dir.resolve("cpu.stat")),
                value(dir.resolve("pids.current")),
                value(dir.resolve("pids.max")),
                events.getOrDefault("oom_kill", 0L), io[0], io[1]);
    }

    /** {@code memory.events} oom_kill of the cgroup {@code dir}, alone (read at every process start and exit). */
    public static long oomKills(Path dir) {
        return keyed(dir.resolve("memory.events")).getOrDefault("oom_kill", 0L);
    }

    /** rbytes and wbytes of {@code io.stat} ({@code MAJ:MIN rbytes=N wbytes=N ...} per device), summed. */
    private static long[] io(Path file) {
        long[] rw = new long[2];
        for (String line : readOrEmpty(file).split("\n")) {
            for (String field : line.strip().split("\\s+")) {
                try {
                    if (field.startsWith("rbytes=")) {
                        rw[0] += Long.parseLong(field.substring(7));
                    } else if (field.startsWith("wbytes=")) {
                        rw[1] += Long.parseLong(field.substring(7));
                    }
                } catch (NumberFormatException ignored) {
                    // not a counter
                }
            }
        }
        return rw;
    }

    /** A value from {@code cpu.stat}, 0 when absent. */
    public long cpu(String key) { return cpuStat.getOrDefault(key, 0L); }

    private static long value(Path file) {
        String s = readOrEmpty(file).strip();
        if (s.isEmpty() || s.equals("max")) {
            return 0;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static Map<String, Long> keyed(Path file) {
        Map<String, Long> m = new LinkedHashMap<>();
        for (String line : readOrEmpty(file).split("\n")) {
            String[] kv = line.strip().split("\\s+");
            if (kv.length == 2) {
                try {
                    m.put(kv[0], Long.parseLong(kv[1]));
                } catch (NumberFormatException ignored) {
                    // not a counter
                }
            }
        }
        return m;
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
