package dev.jkata.core.sandbox;

import dev.jkata.agent.client.GuestDetails;
import dev.jkata.agent.client.ProcessConfig;
import dev.jkata.agent.protocol.features.AgentFeature;
import dev.jkata.agent.protocol.features.IdleInit;
import dev.jkata.api.ContainerSpec;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.Capabilities;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;
import java.util.List;
import java.util.Map;

/**
 * The processes of a container, as the agent is sent them: its init — jkata's idle init, or a job container's own
 * process — and the commands run beside it. One place resolves what a process gets: the usual PATH and HOME, then
 * the image's Env, the sandbox's, the container's and the process's own; the image's or container's user and
 * working directory unless the process names its own.
 */
final class ContainerProcesses {
    private static final Map<String, String> INIT_ENV = Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin");
    /** An agent without jkata's idle init (the upstream one) gets the image's own sleep, as jkata did before it. */
    static final List<String> LEGACY_IDLE_INIT = List.of("/bin/sleep", "2147483647");

    private ContainerProcesses() {
    }

    /** What an exec'd (or job) process is sent: {@code exec} over the container's and sandbox's settings. */
    static ProcessConfig of(ExecSpec exec, ContainerSpec spec, Map<String, String> sandboxEnv, ContainerDefaults defaults) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        env.put("HOME", "/root");
        defaults.image().ifPresent(i -> env.putAll(i.env()));
        env.putAll(sandboxEnv);
        env.putAll(spec.env());
        env.putAll(exec.env());
        String user = exec.user().filter(u -> !u.isEmpty()).orElse(spec.user());
        String cwd = defaults.workdir(exec.workdir().filter(w -> !w.isEmpty()).orElse(spec.workdir()));
        int[] ug = defaults.user(user);
        Capabilities ceiling = spec.security().effectiveCapabilities();
        Capabilities caps = exec.capabilities().map(c -> within(c, ceiling)).orElse(ceiling);
        return new ProcessConfig(exec.command(), env, cwd, ug[0], ug[1], exec.terminal(),
                exec.rlimits().stream().map(r -> new ProcessConfig.Rlimit(r.type(), r.soft(), r.hard())).toList(),
                Optional.of(caps), exec.noNewPrivileges() || spec.security().noNewPrivileges(), exec.additionalGids());
    }

    /**
     * {@code asked}, cut to what the container has: every set within the container's bounding set, the ceiling Linux
     * itself keeps. A process run in a container never gains what the container lacks.
     */
    static Capabilities within(Capabilities asked, Capabilities container) {
        Set<String> ceiling = container.bounding();
        return new Capabilities(cut(asked.bounding(), ceiling), cut(asked.effective(), ceiling),
                cut(asked.inheritable(), ceiling), cut(asked.permitted(), ceiling), cut(asked.ambient(), ceiling));
    }

    private static Set<String> cut(Set<String> set, Set<String> ceiling) {
        Set<String> out = new LinkedHashSet<>(set);
        out.retainAll(ceiling);
        return out;
    }

    /** The init of {@code spec}'s container: its own process for a job, else the idle init, run as the container's user. */
    static ProcessConfig init(ContainerSpec spec, Map<String, String> sandboxEnv, ContainerDefaults defaults, GuestDetails agent) {
        if (spec.process().isPresent()) {
            return of(spec.process().get(), spec, sandboxEnv, defaults);
        }
        int[] ug = defaults.user(spec.user());
        return new ProcessConfig(idleCommand(agent), INIT_ENV, "/", ug[0], ug[1], false, List.of(),
                Optional.of(spec.security().effectiveCapabilities()), spec.security().noNewPrivileges(), List.of());
    }

    /** PID 1 of a container that only holds commands: jkata's, from the guest image, where the agent has one. */
    static List<String> idleCommand(GuestDetails agent) {
        return agent.has(AgentFeature.IDLE_INIT) ? IdleInit.ARGS : LEGACY_IDLE_INIT;
    }

    /** A command that does nothing, from jkata where the agent has its busybox, else from the image. */
    static List<String> noOp(GuestDetails agent) {
        return agent.has(AgentFeature.IDLE_INIT) ? List.of(IdleInit.PROGRAM, "true") : List.of("/bin/sleep", "0");
    }
}
