package dev.jkata.cli.oci;

import dev.jkata.api.Seccomp;
import dev.jkata.api.Security;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What kata-runtime reads from an OCI bundle's {@code config.json}: the root file system the engine unpacked, the
 * process, the host name, the mounts, the resources and the annotations. Anything the VM cannot honour is ignored
 * here and named in the docs; anything malformed is a {@link RuntimeFailure} that names the field.
 *
 * @param rootfs the root file system, absolute
 * @param memoryLimit the memory limit in bytes (linux.resources.memory.limit), 0 when none
 * @param cpus the CPUs a quota/period allows, rounded up, 0 when none
 * @param netns the network namespace the engine asks for ({@code linux.namespaces[type=network]})
 */
record OciBundle(Path dir, Path rootfs, boolean rootReadOnly, OciProcess process, Optional<String> hostname,
                 List<Mount> mounts, Map<String, String> annotations, long memoryLimit, int cpus, Security security,
                 NetworkNamespace netns) {
    static final long MAX_CONFIG_BYTES = 4L << 20;

    /** One entry of {@code mounts}. */
    record Mount(String destination, String type, String source, List<String> options) {
        boolean readOnly() {
            return options.contains("ro");
        }

        boolean bind() {
            return "bind".equals(type) || options.contains("bind") || options.contains("rbind");
        }
    }

    /**
     * What {@code linux.namespaces} says of the network: no entry is the host's own namespace; an entry with a path
     * is that namespace (the engine's, its CNI plugin's devices in it); an entry without a path asks for a new one.
     */
    record NetworkNamespace(boolean requested, Optional<Path> path) {
        static final NetworkNamespace HOST = new NetworkNamespace(false, Optional.empty());

        /** Whether the engine asks for a namespace of the container's own, made by the runtime. */
        boolean fresh() {
            return requested && path.isEmpty();
        }
    }

    static NetworkNamespace networkNamespace(JsonNode linux) {
        for (JsonNode n : linux.path("namespaces")) {
            if ("network".equals(n.path("type").asText())) {
                String path = n.path("path").asText("");
                if (!path.isEmpty() && !path.startsWith("/")) {
                    throw new RuntimeFailure("linux.namespaces: the network namespace path '" + path + "' is not absolute");
                }
                return new NetworkNamespace(true, path.isEmpty() ? Optional.empty() : Optional.of(Path.of(path)));
            }
        }
        return NetworkNamespace.HOST;
    }

    static OciBundle read(Path bundle) {
        Path config = bundle.resolve("config.json");
        JsonNode c;
        try {
            if (!Files.isRegularFile(config)) {
                throw new RuntimeFailure("the bundle " + bundle + " has no config.json; pass --bundle DIR of an OCI bundle");
            }
            if (Files.size(config) > MAX_CONFIG_BYTES) {
                throw new RuntimeFailure(config + " is larger than " + (MAX_CONFIG_BYTES >> 20) + " MiB");
            }
            try (InputStream in = Files.newInputStream(config)) {
                c = new ObjectMapper().readTree(in);
            }
        } catch (IOException e) {
            throw new RuntimeFailure("cannot read " + config + ": " + e.getMessage());
        }
        if (c == null || !c.isObject()) {
            throw new RuntimeFailure(config + " is not a JSON object");
        }
        JsonNode root = c.path("root");
        String rootPath = text(root, "path", "root.path");
        Path rootfs = bundle.resolve(rootPath).normalize();
        if (!Files.isDirectory(rootfs)) {
            throw new RuntimeFailure("root.path " + rootfs + " is not a directory");
        }
        OciProcess process = OciProcess.parse(c.path("process"), "process");
        List<Mount> mounts = new ArrayList<>();
        for (JsonNode m : c.path("mounts")) {
            List<String> options = new ArrayList<>();
            m.path("options").forEach(o -> options.add(o.asText()));
            mounts.add(new Mount(text(m, "destination", "mounts[].destination"), m.path("type").asText(""),
                    m.path("source").asText(""), List.copyOf(options)));
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        c.path("annotations").fields().forEachRemaining(e -> annotations.put(e.getKey(), e.getValue().asText()));
        JsonNode resources = c.path("linux").path("resources");
        long memory = Math.max(0, resources.path("memory").path("limit").asLong(0));
        long quota = resources.path("cpu").path("quota").asLong(0);
        long period = resources.path("cpu").path("period").asLong(0);
        int cpus = quota > 0 && period > 0 ? (int) Math.min(64, (quota + period - 1) / period) : 0;
        Optional<String> hostname = Optional.ofNullable(c.get("hostname")).map(JsonNode::asText).filter(h -> !h.isEmpty());
        boolean readOnly = root.path("readonly").asBoolean(false);
        return new OciBundle(bundle, rootfs, readOnly, process, hostname,
                List.copyOf(mounts), Map.copyOf(annotations), memory, cpus, security(c, process, readOnly),
                networkNamespace(c.path("linux")));
    }

    /**
     * What bounds the container, from the bundle: the process's capabilities and no-new-privileges (its init's, so
     * the container's ceiling), the read-only root, masked and read-only paths (as given, even empty: the engine
     * chose them) and seccomp.
     */
    static Security security(JsonNode c, OciProcess process, boolean readOnly) {
        JsonNode linux = c.path("linux");
        Security s = Security.defaults();
        if (process.capabilities().isPresent()) {
            s = s.withCapabilities(process.capabilities().get());
        }
        if (process.noNewPrivileges()) {
            s = s.withNoNewPrivileges();
        }
        if (readOnly) {
            s = s.withReadOnlyRoot();
        }
        if (linux.has("maskedPaths") || linux.has("readonlyPaths")) {
            s = s.withPaths(texts(linux.path("maskedPaths")), texts(linux.path("readonlyPaths")));
        }
        JsonNode sc = linux.path("seccomp");
        if (sc.isObject()) {
            s = s.withSeccomp(seccomp(sc));
        }
        return s;
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return List.copyOf(out);
    }

    private static Seccomp seccomp(JsonNode sc) {
        try {
            List<Seccomp.Rule> rules = new ArrayList<>();
            for (JsonNode r : sc.path("syscalls")) {
                List<Seccomp.Arg> args = new ArrayList<>();
                for (JsonNode a : r.path("args")) {
                    args.add(new Seccomp.Arg(a.path("index").asLong(), a.path("value").asLong(), a.path("valueTwo").asLong(),
                            a.path("op").asText()));
                }
                rules.add(new Seccomp.Rule(texts(r.path("names")), r.path("action").asText(), args));
                if (rules.size() > Seccomp.MAX_RULES) {
                    break; // the record refuses it with the count
                }
            }
            return new Seccomp(sc.path("defaultAction").asText(), texts(sc.path("architectures")), rules);
        } catch (dev.jkata.api.InvalidConfigurationException e) {
            throw new RuntimeFailure("linux.seccomp: " + e.getMessage());
        }
    }

    static String text(JsonNode node, String field, String name) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isEmpty()) {
            throw new RuntimeFailure("config.json has no " + name);
        }
        return v.asText();
    }
}
