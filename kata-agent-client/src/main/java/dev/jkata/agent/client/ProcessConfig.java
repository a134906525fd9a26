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
 * @param rlimits resource limits (the OCI {@code POSIXRlimit}s), applied by the guest's runtime
 */
public record ProcessConfig(List<String> args, Map<String, String> env, String cwd, int uid, int gid, boolean terminal,
                            List<Rlimit> rlimits) {
    /** One resource limit, e.g. {@code RLIMIT_NOFILE}; the values are unsigned. */
    public record Rlimit(String type, long soft, long hard) {}

    public ProcessConfig {
        args = List.copyOf(args);
        env = Map.copyOf(env);
        rlimits = List.copyOf(rlimits);
    }

    /** A process with no resource limits of its own. */
    public ProcessConfig(List<String> args, Map<String, String> env, String cwd, int uid, int gid, boolean terminal) {
        this(args, env, cwd, uid, gid, terminal, List.of());
    }
}
