package dev.jkata.api;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What to run in a container: the command, its environment, working directory and user, whether it gets a
 * terminal, how long it may run and how much output {@link Sandbox#run} keeps. Immutable; build with
 * {@link #builder(String...)}. An empty working directory or user means the container's own.
 *
 * <p>Privileges: {@code capabilities} empty means the container's; given, the process gets those of them its container
 * has, never more (see {@link Security}). {@code noNewPrivileges} adds to the container's, never lifts it.
 * {@code additionalGids} are supplementary groups.
 */
public record ExecSpec(List<String> command, Map<String, String> env, Optional<String> workdir, Optional<String> user,
                       boolean terminal, Optional<Duration> timeout, MemorySize captureLimit, List<Rlimit> rlimits,
                       Optional<Capabilities> capabilities, boolean noNewPrivileges, List<Long> additionalGids) {

    /**
     * A resource limit the process starts with, applied inside the guest (where the guest kernel, not the host,
     * decides what is allowed).
     *
     * @param type {@code RLIMIT_NOFILE}, {@code RLIMIT_NPROC}, ... as the OCI runtime spec names them
     */
    public record Rlimit(String type, long soft, long hard) {
        public Rlimit {
            if (type == null || !type.matches("RLIMIT_[A-Z]{2,12}")) {
                throw new InvalidConfigurationException("rlimits", "type must be an RLIMIT_* name such as RLIMIT_NOFILE, not '"
                        + type + "'");
            }
            if (Long.compareUnsigned(soft, hard) > 0) {
                throw new InvalidConfigurationException("rlimits", type + ": the soft limit " + Long.toUnsignedString(soft)
                        + " is above the hard limit " + Long.toUnsignedString(hard));
            }
        }
    }

    /** The container's privileges, no supplementary groups. */
    public ExecSpec(List<String> command, Map<String, String> env, Optional<String> workdir, Optional<String> user,
                    boolean terminal, Optional<Duration> timeout, MemorySize captureLimit, List<Rlimit> rlimits) {
        this(command, env, workdir, user, terminal, timeout, captureLimit, rlimits, Optional.empty(), false, List.of());
    }

    /** As before rlimits existed: none. */
    public ExecSpec(List<String> command, Map<String, String> env, Optional<String> workdir, Optional<String> user,
                    boolean terminal, Optional<Duration> timeout, MemorySize captureLimit) {
        this(command, env, workdir, user, terminal, timeout, captureLimit, List.of());
    }

    public static final MemorySize DEFAULT_CAPTURE_LIMIT = MemorySize.ofMiB(16);

    /** The longest timeout accepted: ten years is "no limit" for any real job, and stays far from overflow. */
    public static final Duration MAX_TIMEOUT = Duration.ofDays(3650);

    public ExecSpec {
        if (command == null || command.stream().anyMatch(java.util.Objects::isNull)) {
            throw new InvalidConfigurationException("command", "must not be or contain null");
        }
        command = List.copyOf(command);
        env = Specs.env(env, "env");
        if (rlimits == null || rlimits.stream().anyMatch(java.util.Objects::isNull)) {
            throw new InvalidConfigurationException("rlimits", "must not be or contain null");
        }
        rlimits = List.copyOf(rlimits);
        if (capabilities == null || additionalGids == null || additionalGids.stream().anyMatch(java.util.Objects::isNull)) {
            throw new InvalidConfigurationException("capabilities", "capabilities and additionalGids must not be null");
        }
        for (long g : additionalGids) {
            if (g < 0 || g > 0xFFFF_FFFEL) {
                throw new InvalidConfigurationException("additionalGids", g + " is not a group id");
            }
        }
        additionalGids = List.copyOf(additionalGids);
        if (captureLimit == null || captureLimit.toBytes() <= 0) {
            throw new InvalidConfigurationException("captureLimit", "must be a positive size such as MemorySize.ofMiB(16), not " + captureLimit);
        }
        if (command.isEmpty() || command.get(0).isBlank()) {
            throw new InvalidConfigurationException("command", "must name a program to run, e.g. ExecSpec.builder(\"uname\", \"-a\")");
        }
        workdir.ifPresent(w -> {
            if (!w.startsWith("/")) {
                throw new InvalidConfigurationException("workdir", "must be an absolute path in the container, not '" + w + "'");
            }
        });
        Objects.requireNonNull(user, "user");
        user.ifPresent(u -> Specs.user(u, "user"));
        timeout.ifPresent(t -> {
            if (t.isNegative() || t.isZero() || t.compareTo(MAX_TIMEOUT) > 0) {
                throw new InvalidConfigurationException("timeout", "must be positive and at most " + MAX_TIMEOUT.toDays()
                        + " days, not " + t + "; leave it unset for no limit");
            }
        });
    }

    public static Builder builder(String... command) {
        return new Builder(List.of(command));
    }

    public static Builder builder(List<String> command) {
        return new Builder(command);
    }

    /** Builds an {@link ExecSpec}; every setter is named after the property it sets. */
    public static final class Builder {
        private final List<String> command;
        private final Map<String, String> env = new LinkedHashMap<>();
        private String workdir;
        private String user;
        private boolean terminal;
        private Duration timeout;
        private MemorySize captureLimit = DEFAULT_CAPTURE_LIMIT;
        private final List<Rlimit> rlimits = new ArrayList<>();
        private Capabilities capabilities;
        private boolean noNewPrivileges;
        private final List<Long> additionalGids = new ArrayList<>();

        private Builder(List<String> command) {
            this.command = new ArrayList<>(command);
        }

        public Builder env(String key, String value) {
            Specs.envEntry(key, value, "env");
            env.put(key, value);
            return this;
        }

        public Builder env(Map<String, String> all) {
            all.forEach(this::env);
            return this;
        }

        public Builder workdir(String dir) {
            this.workdir = dir;
            return this;
        }

        /**
         * The user as {@code uid}, {@code uid:gid}, or a name ({@code name[:group]}) that the container's root file
         * system's /etc/passwd and /etc/group resolve when the process starts.
         */
        public Builder user(String uidGid) {
            this.user = uidGid;
            return this;
        }

        public Builder terminal(boolean on) {
            this.terminal = on;
            return this;
        }

        /** Past this the process is killed and {@link KataTimeoutException} is raised; the sandbox stays usable. */
        public Builder timeout(Duration t) {
            this.timeout = t;
            return this;
        }

        /** A resource limit for the process, e.g. {@code rlimit("RLIMIT_NOFILE", 1024, 4096)}; unsigned values. */
        public Builder rlimit(String type, long soft, long hard) {
            rlimits.add(new Rlimit(type, soft, hard));
            return this;
        }

        public Builder captureLimit(MemorySize limit) {
            this.captureLimit = limit;
            return this;
        }

        /** The process's capabilities: of these, the ones its container has (an exec never gains more). */
        public Builder capabilities(Capabilities c) {
            this.capabilities = c;
            return this;
        }

        /** The process can never gain privileges (set-uid files, file capabilities): NoNewPrivs 1. */
        public Builder noNewPrivileges() {
            this.noNewPrivileges = true;
            return this;
        }

        /** Supplementary groups, by id. */
        public Builder additionalGids(long... gids) {
            for (long g : gids) {
                additionalGids.add(g);
            }
            return this;
        }

        public ExecSpec build() {
            return new ExecSpec(command, env, Optional.ofNullable(workdir), Optional.ofNullable(user), terminal, Optional.ofNullable(timeout), captureLimit,
                    rlimits, Optional.ofNullable(capabilities), noNewPrivileges, additionalGids);
        }
    }
}
