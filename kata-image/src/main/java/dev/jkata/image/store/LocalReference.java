package dev.jkata.image.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * An image named on disk rather than in a registry, as skopeo names them: {@code oci:DIR[:TAG]} (an OCI image
 * layout), {@code oci-archive:FILE[:TAG]} (one in a tar), {@code docker-archive:FILE[:REPO:TAG]} ({@code docker save}).
 * The path ends at the first {@code :} before which a file or directory exists.
 */
record LocalReference(Kind kind, Path path, String tag) {
    enum Kind { LAYOUT, OCI_ARCHIVE, DOCKER_ARCHIVE }

    static Optional<LocalReference> parse(String text) {
        for (Kind k : Kind.values()) {
            String prefix = prefix(k);
            if (text.startsWith(prefix)) {
                String rest = text.substring(prefix.length());
                int from = 0;
                while (true) {
                    int colon = rest.indexOf(':', from);
                    String p = colon < 0 ? rest : rest.substring(0, colon);
                    if (colon < 0 || Files.exists(Path.of(p))) {
                        return Optional.of(new LocalReference(k, Path.of(p).toAbsolutePath().normalize(),
                                colon < 0 ? "" : rest.substring(colon + 1)));
                    }
                    from = colon + 1;
                }
            }
        }
        return Optional.empty();
    }

    static String prefix(Kind k) {
        return switch (k) {
            case LAYOUT -> "oci:";
            case OCI_ARCHIVE -> "oci-archive:";
            case DOCKER_ARCHIVE -> "docker-archive:";
        };
    }

    /** The normalised name the store keeps it under. */
    String name() {
        return prefix(kind) + path + (tag.isEmpty() ? "" : ":" + tag);
    }
}
