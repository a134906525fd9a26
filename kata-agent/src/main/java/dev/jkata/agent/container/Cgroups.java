package dev.jkata.agent.container;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * Prepares the cgroup v2 hierarchy for containers: every controller the root offers is enabled for the
 * root's children and for those of the containers' parent ({@code /kata}), so that each container's cgroup
 * has memory, cpu, pids and io files to limit and to read stats from. Best effort: a hierarchy without
 * cgroup v2 files (a test directory, a cgroup v1 host) is left alone.
 */
final class Cgroups {
    private static final Logger LOG = Logger.getLogger(Cgroups.class.getName());

    private Cgroups() {}

    static void enableControllers(Path root, Path containersParent) {
        Path available = root.resolve("cgroup.controllers");
        if (!Files.isRegularFile(available)) {
            return;
        }
        try {
            String[] controllers = Files.readString(available, StandardCharsets.US_ASCII).trim().split("\\s+");
            Files.createDirectories(containersParent);
            for (Path dir : new Path[] {root, containersParent}) {
                for (String c : controllers) {
                    if (c.isEmpty()) {
                        continue;
                    }
                    try {
                        Files.writeString(dir.resolve("cgroup.subtree_control"), "+" + c, StandardCharsets.US_ASCII);
                    } catch (IOException e) {
                        LOG.fine("cannot enable the " + c + " controller below " + dir + ": " + e);
                    }
                }
            }
        } catch (IOException e) {
            LOG.warning("cannot prepare the cgroup hierarchy " + root + ": " + e);
        }
    }
}
