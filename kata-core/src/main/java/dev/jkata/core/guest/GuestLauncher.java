package dev.jkata.core.guest;

import java.nio.file.Path;

/** Starts guests for sandboxes: kata-core's QEMU launcher boots VMs; the testkit has a fake. */
public interface GuestLauncher {

    /**
     * The container root file system a sandbox gets when its spec names none (it may be built on first use,
     * and is then shared read-only).
     */
    Path defaultRootfs();

    /**
     * Checks {@code request} and launches its guest. The agent may still be booting when this returns: the
     * sandbox waits for it over {@link Guest#connectAgent()}. On failure releases everything it made and throws a
     * {@link dev.jkata.api.KataException} (an {@link dev.jkata.api.InvalidConfigurationException} for a request
     * it cannot serve).
     */
    Guest launch(GuestRequest request);

    /** How this launcher clones guests from VM templates, or empty when it cannot (a fake). */
    /**
     * Where this launcher's guests' scratch disks are kept (a directory on a disk-backed file system), or empty when
     * its guests take no disk (a fake): their writes then stay in guest RAM.
     */
    default java.util.Optional<Path> diskDirectory() {
        return java.util.Optional.empty();
    }

    default java.util.Optional<GuestTemplating> templating() {
        return java.util.Optional.empty();
    }

    /**
     * Ends what a guest of this launcher left behind in {@code runDir}, the run directory of a sandbox whose JVM died
     * without closing it (a VM still running, say); the reaper calls it before it removes the directory. Touches
     * only what this launcher made, and never throws. Does nothing by default: a launcher that leaves nothing
     * outside the JVM has nothing to reap.
     */
    default void reapAbandoned(Path runDir) {
    }
}
