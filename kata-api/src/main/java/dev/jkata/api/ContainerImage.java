package dev.jkata.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The container image a container runs, as its config describes it: the reference it was asked for and the
 * digest that reference resolved to, its entrypoint and command, environment, working directory, user, exposed
 * ports ({@code 80/tcp}) and labels.
 */
public record ContainerImage(String reference, String digest, List<String> entrypoint, List<String> cmd,
                             Map<String, String> env, String workingDir, String user, Set<String> exposedPorts,
                             Map<String, String> labels) {
    public ContainerImage {
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
        env = Map.copyOf(env);
        exposedPorts = Set.copyOf(exposedPorts);
        labels = Map.copyOf(labels);
    }

    /** What {@code docker run IMAGE} runs: the entrypoint, then the command. */
    public List<String> defaultCommand() {
        List<String> c = new ArrayList<>(entrypoint);
        c.addAll(cmd);
        return c;
    }

    /** What {@code docker run IMAGE ARGS...} runs: the entrypoint, then {@code args} in place of the command. */
    public List<String> commandWith(List<String> args) {
        if (args.isEmpty()) {
            return defaultCommand();
        }
        List<String> c = new ArrayList<>(entrypoint);
        c.addAll(args);
        return c;
    }
}
