package dev.jkata.agent.system;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** What the guest as a whole uses, beside a container's cgroup: its network interfaces' counters, a file system's room. */
public final class GuestUsage {
    private static final Path NET_DEV = Path.of("/proc/net/dev");

    private GuestUsage() {
    }

    /** One interface's counters, from {@code /proc/net/dev}. */
    public record InterfaceCounters(String name, long rxBytes, long rxPackets, long rxErrors, long rxDropped,
                                    long txBytes, long txPackets, long txErrors, long txDropped) {}

    /** A file system's size and use, in bytes. */
    public record FileSystemUse(long used, long size) {}

    /** Every interface but loopback. */
    public static List<InterfaceCounters> interfaces() {
        return interfaces(NET_DEV);
    }

    static List<InterfaceCounters> interfaces(Path netDev) {
        List<InterfaceCounters> out = new ArrayList<>();
        String text;
        try {
            text = Files.readString(netDev);
        } catch (IOException e) {
            return out;
        }
        for (String line : text.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String name = line.substring(0, colon).strip();
            String[] f = line.substring(colon + 1).strip().split("\\s+");
            if (name.equals("lo") || f.length < 16) {
                continue;
            }
            try {
                out.add(new InterfaceCounters(name, Long.parseLong(f[0]), Long.parseLong(f[1]), Long.parseLong(f[2]),
                        Long.parseLong(f[3]), Long.parseLong(f[8]), Long.parseLong(f[9]), Long.parseLong(f[10]),
                        Long.parseLong(f[11])));
            } catch (NumberFormatException ignored) {
                // not a counter line
            }
        }
        return out;
    }

    /** The file system mounted at {@code mountPoint}, as statfs says; empty when it cannot be read. */
    public static Optional<FileSystemUse> fileSystem(Path mountPoint) {
        try {
            FileStore fs = Files.getFileStore(mountPoint);
            long size = fs.getTotalSpace();
            return Optional.of(new FileSystemUse(size - fs.getUnallocatedSpace(), size));
        } catch (IOException e) {
            return Optional.empty();
        }
    }
}
