package dev.jkata.agent.client;

import java.util.List;
import java.util.Map;

/**
 * A process for the agent to run, in plain Java types (translated to the OCI {@code Process} message).
 *
 * @param args the command and its arguments
 * @param env environment variables
 * @param cwd the working directory inside the container
 * @param uid user id
 * @param gid group id
 * @param terminal whether the process gets a pseudo-terminal
 */
public record ProcessConfig(List<String> args, Map<String, String> env, String cwd, int uid, int gid, boolean terminal) {
    public ProcessConfig {
        args = List.copyOf(args);
        env = Map.copyOf(env);
    }
}
