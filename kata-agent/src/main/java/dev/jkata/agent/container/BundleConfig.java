package dev.jkata.agent.container;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jkata.agent.errors.AgentException;
import dev.jkata.agent.protocol.features.IdleInit;

import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The agent's policy on the OCI config the host sent, applied before it becomes {@code config.json}:
 * <ul>
 *   <li>{@code root.path} is the overlay the agent mounted; {@code root.readonly} stays as sent.</li>
 *   <li>Namespaces: mount, uts, ipc and pid are always new; network is dropped (containers share the VM's
 *       network); namespace paths are dropped (they name the host's namespaces).</li>
 *   <li>{@code linux.cgroupsPath} is {@code /kata/<cid>}.</li>
 *   <li>No mounts sent: /proc, /dev, /dev/pts, /dev/shm, /dev/mqueue and /sys (read-only).</li>
 *   <li>Always: the guest's busybox bound read-only, nosuid, nodev at {@link IdleInit#PROGRAM}, jkata's idle init
 *       (a mount the host sent at that path is replaced).</li>
 *   <li>Process: cwd defaults to /, PATH to the usual one, capabilities to Docker's default set; hooks go.</li>
 * </ul>
 */
public final class BundleConfig {
    /** The PATH a process gets when its environment has none. */
    public static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /** Docker's default capability set, for a process whose spec has no capabilities. */
    public static final List<String> DEFAULT_CAPABILITIES = List.of(
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
            "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
            "CAP_AUDIT_WRITE");

    private static final List<String> AGENT_NAMESPACES = List.of("pid", "ipc", "uts", "mount");

    private BundleConfig() {}

    /** Applies the policy to {@code config} in place and returns it. */
    public static ObjectNode apply(ObjectNode config, String cid, Path rootfs, ContainerLayout layout) {
        if (!config.hasNonNull("ociVersion")) {
            config.put("ociVersion", "1.0.2");
        }
        config.remove("hooks");
        ObjectNode root = object(config, "root");
        root.put("path", rootfs.toString());
        process(object(config, "process"));
        ObjectNode linux = object(config, "linux");
        namespaces(linux);
        linux.put("cgroupsPath", layout.cgroupsPath(cid));
        object(linux, "resources");
        JsonNode mounts = config.get("mounts");
        if (mounts == null || !mounts.isArray() || mounts.isEmpty()) {
            config.set("mounts", defaultMounts(config));
        }
        idleInit((ArrayNode) config.get("mounts"));
        return config;
    }

    /** Applies the process policy (cwd, PATH, capabilities) to a process tree in place and returns it. */
    public static ObjectNode process(ObjectNode process) {
        JsonNode args = process.get("args");
        if (args == null || !args.isArray() || args.isEmpty()) {
            throw AgentException.invalid("the process has no args");
        }
        if (process.path("cwd").asText("").isEmpty()) {
            process.put("cwd", "/");
        }
        ArrayNode env = process.has("env") && process.get("env").isArray() ? (ArrayNode) process.get("env") : process.putArray("env");
        boolean hasPath = false;
        for (JsonNode e : env) {
            hasPath |= e.asText().startsWith("PATH=");
        }
        if (!hasPath) {
            env.add(DEFAULT_PATH);
        }
        if (!process.has("user")) {
            process.putObject("user").put("uid", 0).put("gid", 0);
        }
        if (!process.has("capabilities")) {
            ObjectNode caps = process.putObject("capabilities");
            for (String set : List.of("bounding", "effective", "permitted")) {
                ArrayNode a = caps.putArray(set);
                DEFAULT_CAPABILITIES.forEach(a::add);
            }
        }
        return process;
    }

    private static void namespaces(ObjectNode linux) {
        Set<String> types = new LinkedHashSet<>();
        JsonNode given = linux.get("namespaces");
        if (given != null && given.isArray()) {
            for (JsonNode ns : given) {
                String type = ns.path("type").asText("");
                if (!type.isEmpty() && !type.equals("network")) {
                    types.add(type);
                }
            }
        }
        types.addAll(AGENT_NAMESPACES);
        ArrayNode out = linux.putArray("namespaces");
        types.forEach(t -> out.addObject().put("type", t));
    }

    /** jkata's idle init in every container: the mount list without any entry at or below its directory, then its bind. */
    private static void idleInit(ArrayNode mounts) {
        for (int i = mounts.size() - 1; i >= 0; i--) {
            String dest = mounts.get(i).path("destination").asText("");
            if (dest.equals(IdleInit.DIRECTORY) || IdleInit.owns(dest)) {
                mounts.remove(i);
            }
        }
        ObjectNode o = mounts.addObject().put("destination", IdleInit.PROGRAM).put("type", "bind")
                .put("source", IdleInit.GUEST_SOURCE);
        ArrayNode opts = o.putArray("options");
        List.of("rbind", "ro", "nosuid", "nodev").forEach(opts::add);
    }

    private static ArrayNode defaultMounts(ObjectNode config) {
        ArrayNode m = config.arrayNode();
        mount(m, "/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
        mount(m, "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
        mount(m, "/dev/pts", "devpts", "devpts", List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"));
        mount(m, "/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
        mount(m, "/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"));
        mount(m, "/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro"));
        return m;
    }

    private static void mount(ArrayNode mounts, String destination, String type, String source, List<String> options) {
        ObjectNode o = mounts.addObject().put("destination", destination).put("type", type).put("source", source);
        ArrayNode opts = o.putArray("options");
        options.forEach(opts::add);
    }

    private static ObjectNode object(ObjectNode parent, String name) {
        JsonNode n = parent.get(name);
        if (n instanceof ObjectNode o) {
            return o;
        }
        return parent.putObject(name);
    }
}
