package dev.jkata.image.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jkata.image.ImageException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an image's config says about running it: environment ({@code KEY=value}), entrypoint and command, working
 * directory, user (a name, {@code uid}, {@code uid:gid} or {@code name:group}, resolved against the image's own
 * /etc/passwd at start), exposed ports ({@code 80/tcp}), labels, and its platform.
 */
public record ImageConfig(List<String> env, List<String> entrypoint, List<String> cmd, String workingDir, String user,
                          Set<String> exposedPorts, Map<String, String> labels, String os, String architecture,
                          List<String> diffIds) {
    /** The largest config accepted; real ones are a few KiB (with long histories, a few hundred). */
    public static final int MAX_BYTES = 8 << 20;

    public ImageConfig {
        env = List.copyOf(env);
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        exposedPorts = Set.copyOf(exposedPorts);
        labels = Map.copyOf(labels);
        diffIds = List.copyOf(diffIds);
    }

    /** The command a run with none given runs: the entrypoint followed by the image's command. */
    public List<String> defaultCommand() {
        List<String> c = new ArrayList<>(entrypoint);
        c.addAll(cmd);
        return c;
    }

    /** The environment as a map (a later duplicate wins, as in Docker). */
    public Map<String, String> envMap() {
        Map<String, String> m = new LinkedHashMap<>();
        for (String e : env) {
            int eq = e.indexOf('=');
            if (eq > 0) {
                m.put(e.substring(0, eq), e.substring(eq + 1));
            } else if (eq < 0 && !e.isEmpty()) {
                m.put(e, "");
            }
        }
        return m;
    }

    public static ImageConfig parse(byte[] json, String image) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(json);
        } catch (IOException e) {
            throw new ImageException(ImageException.Kind.REGISTRY_FAILED, image, "the image config is not JSON ("
                    + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (root == null || !root.isObject()) {
            throw new ImageException(ImageException.Kind.REGISTRY_FAILED, image, "the image config is not a JSON object");
        }
        JsonNode c = root.path("config");
        return new ImageConfig(strings(c.path("Env")), strings(c.path("Entrypoint")), strings(c.path("Cmd")),
                c.path("WorkingDir").asText(""), c.path("User").asText(""), keys(c.path("ExposedPorts")),
                map(c.path("Labels")), root.path("os").asText(""), root.path("architecture").asText(""),
                strings(root.path("rootfs").path("diff_ids")));
    }

    private static List<String> strings(JsonNode n) {
        List<String> out = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(v -> out.add(v.asText()));
        }
        return out;
    }

    private static Set<String> keys(JsonNode n) {
        Set<String> out = new LinkedHashSet<>();
        n.fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static Map<String, String> map(JsonNode n) {
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().asText());
        }
        return out;
    }
}
