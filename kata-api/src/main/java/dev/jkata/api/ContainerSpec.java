package dev.jkata.api;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A container to create in a sandbox: its root file system — a <em>container image</em> pulled from a registry
 * ({@code alpine:3.20}, {@code 127.0.0.1:5000/team/app:1}), or a host directory, or by default the built-in busybox
 * root file system; shared read-only into the guest with a writable overlay there — and the environment, working
 * directory and user its processes get unless an {@link ExecSpec} says otherwise. An image's own Env, WorkingDir and
 * User apply beneath these. (The container image is what runs; the <em>guest image</em> of
 * {@link SandboxBuilder#guestImage} is what boots the VM.)
 *
 * @param image the container image reference, if the root file system comes from one
 * @param pullPolicy when the image is fetched from its registry
 * @param workdir the working directory; empty: the image's, else {@code /}
 * @param user {@code uid}, {@code uid:gid}, or a name ({@code name[:group]}) looked up in the image's /etc/passwd
 *        and /etc/group; empty: the image's user, else root
 * @param process the container's own process, its init (PID 1 in the container): a <em>job container</em>, which ends
 *        when that process exits ({@link Container#init()}). Empty: jkata's idle init holds the container, from the
 *        guest image, never from the user's image, and commands run beside it ({@link Container#exec})
 * @param security what bounds its processes: capabilities (Docker's by default), no-new-privileges, read-only root,
 *        masked and read-only paths, seccomp
 */
public record ContainerSpec(Optional<Path> rootfs, Optional<String> image, PullPolicy pullPolicy, Map<String, String> env,
                            String workdir, String user, String hostname, Optional<ExecSpec> process, Security security) {

    public ContainerSpec {
        env = Specs.env(env, "env");
        Specs.hostname(hostname, "hostname");
        if (rootfs == null || image == null || pullPolicy == null) {
            throw new InvalidConfigurationException(pullPolicy == null ? "pullPolicy" : "image", "must not be null");
        }
        if (rootfs.isPresent() && image.isPresent()) {
            throw new InvalidConfigurationException("image", "a container's root file system comes from an image or a"
                    + " directory, not both; drop rootfs(" + rootfs.get() + ") or image(" + image.get() + ")");
        }
        image.ifPresent(i -> {
            if (i.isBlank()) {
                throw new InvalidConfigurationException("image", "is empty; name an image such as alpine:3.20");
            }
        });
        rootfs.ifPresent(r -> {
            if (!java.nio.file.Files.isDirectory(r)) {
                throw new InvalidConfigurationException("rootfs", r + " is not a directory; pass a directory holding the container's root file system");
            }
        });
        if (workdir == null || (!workdir.isEmpty() && !workdir.startsWith("/"))) {
            throw new InvalidConfigurationException("workdir", "must be an absolute path in the container, not '" + workdir + "'");
        }
        Specs.user(user, "user");
        if (process == null) {
            throw new InvalidConfigurationException("process", "must not be null; Optional.empty() for an idle init");
        }
        if (security == null) {
            throw new InvalidConfigurationException("security", "must not be null; Security.defaults() for Docker's");
        }
    }

    /** A job container ({@code process}) or one held by the idle init, with Docker's security defaults. */
    public ContainerSpec(Optional<Path> rootfs, Optional<String> image, PullPolicy pullPolicy, Map<String, String> env,
                         String workdir, String user, String hostname, Optional<ExecSpec> process) {
        this(rootfs, image, pullPolicy, env, workdir, user, hostname, process, Security.defaults());
    }

    /** This spec with {@code process} as its own: a job container. */
    public ContainerSpec withProcess(ExecSpec process) {
        return new ContainerSpec(rootfs, image, pullPolicy, env, workdir, user, hostname, Optional.of(process), security);
    }

    /** A container held by jkata's idle init (no process of its own). */
    public ContainerSpec(Optional<Path> rootfs, Optional<String> image, PullPolicy pullPolicy, Map<String, String> env,
                         String workdir, String user, String hostname) {
        this(rootfs, image, pullPolicy, env, workdir, user, hostname, Optional.empty(), Security.defaults());
    }

    /** Whether this is a job container: its own process is its init, and its exit ends the container. */
    public boolean isJob() {
        return process.isPresent();
    }

    /** The default: the built-in busybox root file system, root user, cwd /. */
    public static ContainerSpec defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link ContainerSpec}. */
    public static final class Builder {
        private Path rootfs;
        private String image;
        private PullPolicy pullPolicy = PullPolicy.IF_MISSING;
        private final Map<String, String> env = new LinkedHashMap<>();
        private String workdir = "";
        private String user = "";
        private String hostname = "kata";
        private ExecSpec process;
        private Security security = Security.defaults();

        private Builder() {}

        /** Everything that bounds its processes at once (see {@link Security}). */
        public Builder security(Security s) {
            this.security = java.util.Objects.requireNonNull(s, "security");
            return this;
        }

        /** Its processes' capabilities, and the most an exec in it may have (default: Docker's set). */
        public Builder capabilities(Capabilities c) {
            this.security = security.withCapabilities(c);
            return this;
        }

        /** Every capability, nothing masked or read-only in /proc and /sys: {@code docker run --privileged}. */
        public Builder privileged() {
            this.security = Security.privileged();
            return this;
        }

        /** The root file system read-only (writes fail with EROFS; /tmp and volumes stay writable). */
        public Builder readOnlyRoot() {
            this.security = security.withReadOnlyRoot();
            return this;
        }

        /** No process of it can gain privileges (NoNewPrivs 1). */
        public Builder noNewPrivileges() {
            this.security = security.withNoNewPrivileges();
            return this;
        }

        /**
         * Makes this a job container: {@code process} is its init, PID 1 in the container, as {@code docker run}'s
         * command is; the container ends when it exits, and {@link Container#init()} is its handle (streams, signals,
         * exit status). Its environment, working directory and user are resolved as an exec's are; its timeout and
         * capture limit apply only to {@link Container#run}-style waiting, not to the container.
         */
        public Builder process(ExecSpec process) {
            this.process = java.util.Objects.requireNonNull(process, "process");
            return this;
        }

        /** A host directory holding the container's root file system; it is never written. */
        public Builder rootfs(Path dir) {
            this.rootfs = dir;
            return this;
        }

        /**
         * A container image to run: {@code alpine:3.20} (Docker Hub), {@code host:port/path/name:tag},
         * {@code name@sha256:...}. Pulled into the image store ({@code ~/.cache/jkata/images}) on first use.
         */
        public Builder image(String reference) {
            this.image = reference;
            return this;
        }

        /** When the image is fetched: {@link PullPolicy#IF_MISSING} (default), ALWAYS, or NEVER (offline). */
        public Builder pullPolicy(PullPolicy policy) {
            this.pullPolicy = policy;
            return this;
        }

        public Builder env(String key, String value) {
            Specs.envEntry(key, value, "env");
            env.put(key, value);
            return this;
        }

        public Builder workdir(String dir) {
            this.workdir = dir;
            return this;
        }

        /** {@code uid}, {@code uid:gid}, or a user name ({@code name[:group]}) from the image's /etc/passwd. */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder hostname(String name) {
            this.hostname = name;
            return this;
        }

        public ContainerSpec build() {
            return new ContainerSpec(Optional.ofNullable(rootfs), Optional.ofNullable(image), pullPolicy, env, workdir, user,
                    hostname, Optional.ofNullable(process), security);
        }
    }
}
