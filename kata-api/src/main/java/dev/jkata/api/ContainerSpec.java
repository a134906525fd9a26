package dev.jkata.api;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A container to create in a sandbox: its root file system (a host directory shared read-only into the
 * guest, with a writable overlay there; by default the built-in busybox root file system), and the
 * environment, working directory and user its processes get unless an {@link ExecSpec} says otherwise.
 */
public record ContainerSpec(Optional<Path> rootfs, Map<String, String> env, String workdir, String user, String hostname) {

    public ContainerSpec {
        env = Map.copyOf(env);
        rootfs.ifPresent(r -> {
            if (!java.nio.file.Files.isDirectory(r)) {
                throw new InvalidConfigurationException("rootfs", r + " is not a directory; pass a directory holding the container's root file system");
            }
        });
        Objects.requireNonNull(workdir, "workdir");
        Objects.requireNonNull(user, "user");
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
        private final Map<String, String> env = new LinkedHashMap<>();
        private String workdir = "/";
        private String user = "0:0";
        private String hostname = "kata";

        private Builder() {}

        /** A host directory holding the container's root file system; it is never written. */
        public Builder rootfs(Path dir) {
            this.rootfs = dir;
            return this;
        }

        public Builder env(String key, String value) {
            env.put(key, value);
            return this;
        }

        public Builder workdir(String dir) {
            this.workdir = dir;
            return this;
        }

        public Builder user(String uidGid) {
            this.user = uidGid;
            return this;
        }

        public Builder hostname(String name) {
            this.hostname = name;
            return this;
        }

        public ContainerSpec build() {
            return new ContainerSpec(Optional.ofNullable(rootfs), env, workdir, user, hostname);
        }
    }
}
