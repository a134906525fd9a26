package dev.jkata.core.netns;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The resolver lines of a guest that joined a network namespace: {@code /etc/netns/NAME/resolv.conf} for a namespace
 * named by ip-netns ({@code /run/netns/NAME}), else the host's {@code /etc/resolv.conf} less resolvers on its
 * loopback (systemd-resolved's 127.0.0.53 is the host's, which the namespace does not reach). A container engine
 * mounts its own over the container's, which wins.
 */
public final class NamespaceResolvers {
    private static final int MAX_LINES = 64;

    private NamespaceResolvers() {}

    public static List<String> of(Path netns) {
        Path parent = netns.getParent();
        if (parent != null && (parent.equals(Path.of("/run/netns")) || parent.equals(Path.of("/var/run/netns")))) {
            Path own = Path.of("/etc/netns").resolve(netns.getFileName()).resolve("resolv.conf");
            if (Files.isRegularFile(own)) {
                return lines(own);
            }
        }
        return lines(Path.of("/etc/resolv.conf"));
    }

    static List<String> lines(Path file) {
        List<String> out = new ArrayList<>();
        try {
            for (String l : Files.readAllLines(file)) {
                String t = l.strip();
                boolean keep = t.startsWith("search ") || t.startsWith("options ")
                        || t.startsWith("nameserver ") && !t.startsWith("nameserver 127.") && !t.equals("nameserver ::1");
                if (keep && out.size() < MAX_LINES && t.length() < 1024) {
                    out.add(t);
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.of();
        }
        return out;
    }
}
