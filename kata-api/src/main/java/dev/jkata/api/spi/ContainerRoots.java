package dev.jkata.api.spi;

import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.SandboxSpec;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The rule for a later container's own root file system, alike for every provider: every container of a sandbox
 * shares the root it started with, unless the sandbox was started with
 * {@link dev.jkata.api.SandboxBuilder#containerRoots containerRoots(DIR)} and the container's root is a directory
 * inside DIR.
 */
public final class ContainerRoots {
    private ContainerRoots() {}

    /**
     * {@code rootfs}, absolute and normalized, when a container of a sandbox started from {@code spec} may have it as
     * its own root.
     *
     * @param sharedRoot what the sandbox's containers share (a directory or an image reference), for the message
     * @throws InvalidConfigurationException naming {@code rootfs}, saying what to do instead
     */
    public static Path checked(SandboxSpec spec, Object sharedRoot, Path rootfs) {
        Path r = rootfs.toAbsolutePath().normalize();
        Path roots = spec.containerRoots().orElseThrow(() -> new InvalidConfigurationException("rootfs", "every container"
                + " of a sandbox shares the root file system given when it started (" + sharedRoot + "); start"
                + " another sandbox for " + rootfs + ", or start this one with containerRoots(DIR) and put it under DIR"));
        if (!r.startsWith(roots) || r.equals(roots) || !Files.isDirectory(r)) {
            throw new InvalidConfigurationException("rootfs", rootfs + " is not a directory inside this sandbox's"
                    + " container roots " + roots);
        }
        return r;
    }
}
