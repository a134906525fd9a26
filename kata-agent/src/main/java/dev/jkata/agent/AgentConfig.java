package dev.jkata.agent;

import dev.jkata.agent.server.VirtioPort;

import java.nio.file.Path;
import java.util.Properties;

/**
 * Where the agent finds things in the guest. Every value has the guest's default and may be overridden
 * with a system property (for tests and odd images).
 *
 * @param port       the virtio-serial port ({@code kata.agent.port}, {@code /dev/virtio-ports/agent.channel.0});
 *                   the first command-line argument overrides it too
 * @param stateRoot  where bundles and the shared mounts live, and the only place CopyFile writes
 *                   ({@code kata.agent.state}, {@code /run/kata-containers})
 * @param cgroupRoot the cgroup2 mount ({@code kata.agent.cgroups}, {@code /sys/fs/cgroup})
 * @param crun       the crun binary ({@code kata.agent.crun}, {@code /usr/bin/crun})
 * @param crunRoot   crun's state directory ({@code kata.agent.crunRoot}, {@code /run/crun})
 */
public record AgentConfig(Path port, Path stateRoot, Path cgroupRoot, String crun, Path crunRoot) {

    /** The configuration from system properties and arguments. */
    public static AgentConfig from(Properties p, String[] args) {
        String port = args.length > 0 ? args[0] : p.getProperty("kata.agent.port", VirtioPort.DEFAULT_PATH.toString());
        return new AgentConfig(
                Path.of(port),
                Path.of(p.getProperty("kata.agent.state", "/run/kata-containers")),
                Path.of(p.getProperty("kata.agent.cgroups", "/sys/fs/cgroup")),
                p.getProperty("kata.agent.crun", "/usr/bin/crun"),
                Path.of(p.getProperty("kata.agent.crunRoot", "/run/crun")));
    }
}
