package dev.jkata.cli.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jkata.api.KataException;
import dev.jkata.api.KataTimeoutException;
import dev.jkata.guestimage.host.Command;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bundle's OCI hooks that make sense for a VM, run on the host as runc runs them: each hook's path with its
 * args (the first is its argv[0], as in the spec, and not passed again) and only its env, the container's state JSON
 * on its standard input, within its timeout ({@value #DEFAULT_TIMEOUT_S} s when it names none: nothing here waits
 * without bound). {@code prestart} and {@code createRuntime} run once the sandbox is up and before the container is
 * reported created, and a failure fails the create; {@code poststart} after the process started and
 * {@code poststop} after the container is deleted, where a failure is logged and the rest go on, as the spec says.
 * {@code createContainer} and {@code startContainer} would run inside the container's namespaces, which are in the
 * guest: they are not run, said at WARN.
 */
record Hooks(List<Hook> prestart, List<Hook> createRuntime, List<Hook> poststart, List<Hook> poststop,
             List<Hook> inGuest) {
    private static final Logger log = LoggerFactory.getLogger(Hooks.class);
    static final int DEFAULT_TIMEOUT_S = 60;

    /** One hook: {@code path}, its {@code args} (argv[0] first), {@code env} entries, its timeout. */
    record Hook(String path, List<String> args, List<String> env, Duration timeout) {}

    static Hooks none() {
        return new Hooks(List.of(), List.of(), List.of(), List.of(), List.of());
    }

    /** The hooks of {@code bundle}'s config.json (none when it has none). */
    static Hooks read(Path bundle) {
        JsonNode c;
        try {
            c = ContainerDir.JSON.readTree(bundle.resolve("config.json").toFile());
        } catch (IOException e) {
            throw new RuntimeFailure("cannot read the hooks of " + bundle + ": " + e.getMessage(), e);
        }
        return parse(c == null ? null : c.path("hooks"));
    }

    /** The hooks {@code config.json}'s {@code hooks} object names, as text (what create saves: see {@link #parse}). */
    static String text(Path bundle) {
        try {
            JsonNode c = ContainerDir.JSON.readTree(bundle.resolve("config.json").toFile());
            JsonNode h = c == null ? null : c.get("hooks");
            return h == null || !h.isObject() ? "{}" : h.toString();
        } catch (IOException e) {
            throw new RuntimeFailure("cannot read the hooks of " + bundle + ": " + e.getMessage(), e);
        }
    }

    /** The hooks of a {@code hooks} object given as text, as {@link #text} gives it. */
    static Hooks parse(String text) {
        try {
            return parse(ContainerDir.JSON.readTree(text));
        } catch (IOException e) {
            throw new RuntimeFailure("the saved hooks do not parse: " + e.getMessage(), e);
        }
    }

    private static Hooks parse(JsonNode h) {
        if (h == null || !h.isObject()) {
            return none();
        }
        List<Hook> inGuest = new ArrayList<>(list(h, "createContainer"));
        inGuest.addAll(list(h, "startContainer"));
        return new Hooks(list(h, "prestart"), list(h, "createRuntime"), list(h, "poststart"), list(h, "poststop"),
                List.copyOf(inGuest));
    }

    private static List<Hook> list(JsonNode hooks, String phase) {
        List<Hook> out = new ArrayList<>();
        for (JsonNode n : hooks.path(phase)) {
            String path = n.path("path").asText("");
            if (!path.startsWith("/")) {
                throw new RuntimeFailure("hooks." + phase + "[].path must be an absolute path, not '" + path + "'");
            }
            List<String> args = new ArrayList<>();
            n.path("args").forEach(a -> args.add(a.asText()));
            List<String> env = new ArrayList<>();
            n.path("env").forEach(e -> env.add(e.asText()));
            int timeout = n.path("timeout").asInt(DEFAULT_TIMEOUT_S);
            if (timeout <= 0) {
                throw new RuntimeFailure("hooks." + phase + "[].timeout must be positive, not " + timeout);
            }
            out.add(new Hook(path, List.copyOf(args), List.copyOf(env), Duration.ofSeconds(timeout)));
        }
        return List.copyOf(out);
    }

    /** The spec's state of a container, as a hook reads it on its standard input. */
    static ObjectNode state(String id, String status, long pid, Path bundle, Map<String, String> annotations) {
        ObjectNode n = ContainerDir.JSON.createObjectNode();
        n.put("ociVersion", KataRuntime.OCI_VERSION).put("id", id).put("status", status).put("pid", pid)
                .put("bundle", bundle.toString());
        annotations.forEach(n.putObject("annotations")::put);
        return n;
    }

    /** Runs the hooks that must succeed: the first failure is thrown. */
    static void runAll(String phase, List<Hook> hooks, ObjectNode state) {
        for (Hook h : hooks) {
            String failure = run(h, state);
            if (failure != null) {
                throw new RuntimeFailure(phase + " hook " + h.path() + " failed: " + failure);
            }
        }
    }

    /** Runs hooks whose failure is only logged. */
    static void runLogged(String phase, List<Hook> hooks, ObjectNode state) {
        for (Hook h : hooks) {
            String failure = run(h, state);
            if (failure != null) {
                log.warn("{} hook {} failed: {}", phase, h.path(), failure);
            }
        }
    }

    /** Says once that the in-guest hooks are not run. */
    void warnInGuest() {
        if (!inGuest.isEmpty()) {
            log.warn("{} createContainer/startContainer hook(s) not run: they run in the container's namespaces, which"
                    + " are inside the VM", inGuest.size());
        }
    }

    /** Null when {@code h} exited 0 within its timeout, else why not. */
    static String run(Hook h, ObjectNode state) {
        List<String> argv = new ArrayList<>();
        argv.add(h.path());
        if (h.args().size() > 1) {
            argv.addAll(h.args().subList(1, h.args().size()));
        }
        Command c = Command.of(argv).envOnly().timeout(h.timeout()).input(state.toString().getBytes(StandardCharsets.UTF_8));
        for (String kv : h.env()) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                c.env(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        try {
            Command.Result r = c.run();
            if (r.ok()) {
                return null;
            }
            String said = Command.lastLines(r.stderr().isBlank() ? r.stdout() : r.stderr(), 20);
            return "exit status " + r.exitCode() + ": " + said;
        } catch (KataTimeoutException e) {
            return "it did not end within " + h.timeout().toSeconds() + " s and was killed";
        } catch (KataException e) {
            return e.getMessage();
        }
    }
}
