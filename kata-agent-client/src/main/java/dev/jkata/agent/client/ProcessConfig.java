package dev.jkata.agent.client;

import dev.jkata.api.Capabilities;
import java.util.Optional;
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
 * @param capabilities its capabilities; empty: the agent's default (jkata's: Docker's set)
 * @param noNewPrivileges whether it may never gain privileges (set-uid files, file capabilities)
 * @param additionalGids supplementary groups
 */
public record ProcessConfig(List<String> args, Map<String, String> env, String cwd, int uid, int gid, boolean terminal,
                            List<Rlimit> rlimits, Optional<Capabilities> capabilities, boolean noNewPrivileges,
                            List<Long> additionalGids) {
    /** One resource limit, e.g. {@code RLIMIT_NOFILE}; the values are unsigned. */
    public record Rlimit(String type, long soft, long hard) {}

    public ProcessConfig {
        args = List.copyOf(args);
        env = Map.copyOf(env);
        rlimits = List.copyOf(rlimits);
        additionalGids = List.copyOf(additionalGids);
    }

    /** A process with the agent's default capabilities, no supplementary groups. */
    public ProcessConfig(List<String> args, Map<String, String> env, String cwd, int uid, int gid, boolean terminal,
                         List<Rlimit> rlimits) {
        this(args, env, cwd, uid, gid, terminal, rlimits, Optional.empty(), false, List.of());
    }

    /** A process with no resource limits of its own. */
    public ProcessConfig(List<String> args, Map<String, String> env, String cwd, int uid, int gid, boolean terminal) {
        this(args, env, cwd, uid, gid, terminal, List.of());
    }
}
