package dev.jkata.core.sandbox;

import dev.jkata.api.ContainerImage;
import dev.jkata.image.config.ImageUsers;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What a container's processes get when neither they nor the container say: the image's working directory and
 * user (else {@code /} and root). User names are looked up in the root file system's own /etc/passwd and /etc/group.
 */
record ContainerDefaults(Path rootfs, Optional<ContainerImage> image, boolean mappedOwners) {

    String workdir(String asked) {
        if (!asked.isEmpty()) {
            return asked;
        }
        String w = image.map(ContainerImage::workingDir).orElse("");
        return w.isEmpty() ? "/" : w;
    }

    /** {@code asked} (or the image's user when empty) as uid and gid. */
    int[] user(String asked) {
        String u = asked.isEmpty() ? image.map(ContainerImage::user).orElse("") : asked;
        if (u.isEmpty()) {
            return new int[] {0, 0};
        }
        if (image.isEmpty() && u.matches("[0-9]+(:[0-9]+)?")) {
            return Users.parse(u);
        }
        return ImageUsers.resolve(rootfs, u, image.map(ContainerImage::reference).orElse(rootfs.toString()), mappedOwners);
    }
}
