package dev.jkata.core.guest;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A host directory the guest sees as storage {@code tag} (a virtio-9p mount tag in a VM).
 *
 * @param hostPath the directory on the host, absolute
 * @param tag      the name the agent mounts it by
 * @param readOnly whether the guest may only read it
 */
public record GuestShare(Path hostPath, String tag, boolean readOnly) {
    public GuestShare {
        Objects.requireNonNull(hostPath, "hostPath");
        Objects.requireNonNull(tag, "tag");
        hostPath = hostPath.toAbsolutePath();
    }
}
