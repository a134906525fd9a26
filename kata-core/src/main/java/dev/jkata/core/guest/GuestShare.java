package dev.jkata.core.guest;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A host directory the guest sees as storage {@code tag} (a virtio-9p mount tag in a VM).
 *
 * @param hostPath the directory on the host, absolute
 * @param tag      the name the agent mounts it by
 * @param readOnly whether the guest may only read it
 * @param mappedOwners whether the files' owners, modes and types are recorded in extended attributes (a container
 *        image unpacked by a user who could not chown) rather than being the files' own
 */
public record GuestShare(Path hostPath, String tag, boolean readOnly, boolean mappedOwners) {
    public GuestShare {
        Objects.requireNonNull(hostPath, "hostPath");
        Objects.requireNonNull(tag, "tag");
        hostPath = hostPath.toAbsolutePath();
    }

    public GuestShare(Path hostPath, String tag, boolean readOnly) {
        this(hostPath, tag, readOnly, false);
    }
}
