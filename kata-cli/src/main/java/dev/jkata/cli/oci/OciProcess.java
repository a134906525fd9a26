package dev.jkata.cli.oci;

import dev.jkata.api.Capabilities;
import java.util.Optional;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A process as the OCI runtime spec describes it ({@code config.json}'s {@code process}, or the file
 * {@code exec --process} names).
 *
 * @param env {@code KEY=value} entries, in order
 * @param rlimits {@code RLIMIT_*} limits, applied inside the guest
 * @param capabilities its five capability sets, when the config gives them
 * @param noNewPrivileges {@code noNewPrivileges}
 * @param additionalGids {@code user.additionalGids}
 * @param notApplied settings the guest cannot honour through Kata's protocol (apparmor, selinux, umask), named
 */
record OciProcess(List<String> args, List<String> env, String cwd, long uid, long gid, boolean terminal,
                  List<Rlimit> rlimits, Optional<Capabilities> capabilities, boolean noNewPrivileges,
                  List<Long> additionalGids, List<String> notApplied) {
    /** One entry of {@code process.rlimits}. */
    record Rlimit(String type, long soft, long hard) {}

    static OciProcess parse(JsonNode p, String where) {
        if (!p.isObject()) {
            throw new RuntimeFailure("config.json has no " + where);
        }
        List<String> args = new ArrayList<>();
        p.path("args").forEach(a -> args.add(a.asText()));
        if (args.isEmpty()) {
            throw new RuntimeFailure(where + ".args is empty: name the program to run");
        }
        List<String> env = new ArrayList<>();
        p.path("env").forEach(e -> env.add(e.asText()));
        String cwd = p.path("cwd").asText("/");
        if (!cwd.startsWith("/")) {
            throw new RuntimeFailure(where + ".cwd must be absolute, not '" + cwd + "'");
        }
        JsonNode user = p.path("user");
        long uid = user.path("uid").asLong(0);
        long gid = user.path("gid").asLong(0);
        if (uid < 0 || gid < 0 || uid > 0xFFFF_FFFEL || gid > 0xFFFF_FFFEL) {
            throw new RuntimeFailure(where + ".user has an out-of-range uid or gid");
        }
        List<Rlimit> rlimits = new ArrayList<>();
        for (JsonNode r : p.path("rlimits")) {
            rlimits.add(new Rlimit(r.path("type").asText(), r.path("soft").asLong(), r.path("hard").asLong()));
        }
        List<Long> groups = new ArrayList<>();
        for (JsonNode g : user.path("additionalGids")) {
            long id = g.asLong(-1);
            if (!g.canConvertToLong() || id < 0 || id > 0xFFFF_FFFEL) {
                throw new RuntimeFailure(where + ".user.additionalGids has an out-of-range group id: " + g);
            }
            groups.add(id);
        }
        Optional<Capabilities> caps = Optional.empty();
        JsonNode c = p.path("capabilities");
        if (c.isObject()) {
            try {
                caps = Optional.of(new Capabilities(set(c, "bounding"), set(c, "effective"), set(c, "inheritable"),
                        set(c, "permitted"), set(c, "ambient")));
            } catch (dev.jkata.api.InvalidConfigurationException e) {
                throw new RuntimeFailure(where + ".capabilities: " + e.getMessage());
            }
        }
        List<String> notApplied = new ArrayList<>();
        if (!p.path("apparmorProfile").asText("").isEmpty()) {
            notApplied.add("apparmorProfile");
        }
        if (!p.path("selinuxLabel").asText("").isEmpty()) {
            notApplied.add("selinuxLabel");
        }
        if (user.has("umask")) {
            notApplied.add("user.umask");
        }
        return new OciProcess(List.copyOf(args), List.copyOf(env), cwd, uid, gid, p.path("terminal").asBoolean(false),
                List.copyOf(rlimits), caps, p.path("noNewPrivileges").asBoolean(false), List.copyOf(groups),
                List.copyOf(notApplied));
    }

    private static java.util.Set<String> set(JsonNode caps, String name) {
        java.util.Set<String> out = new java.util.LinkedHashSet<>();
        caps.path(name).forEach(n -> out.add(n.asText()));
        return out;
    }
}
