package dev.jkata.image.layer;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The paths one layer has put in place, so that its whiteouts remove only what lower layers left, as the OCI image
 * spec requires: a whiteout never hides an entry of its own layer, whatever order the tar lists them in.
 */
final class LayerFootprint {
    private final Path root;
    private final Set<Path> own = new HashSet<>();
    private final Set<Path> holdsOwn = new HashSet<>();

    LayerFootprint(Path root) {
        this.root = root;
    }

    /** Notes that this layer put {@code path} in place. */
    void add(Path path) {
        own.add(path);
        Path dir = path.getParent();
        while (dir != null && dir.startsWith(root) && holdsOwn.add(dir)) {
            dir = dir.getParent();
        }
    }

    /**
     * Removes what lower layers left at {@code path}: all of it, except this layer's own entries and the directories
     * leading to them. A directory this layer lists is kept but emptied of what lower layers put in it. Links are
     * removed, not followed.
     */
    void removeLower(Path path) throws IOException {
        BasicFileAttributes attributes = RootedPath.lstatOrNull(path);
        if (attributes == null) {
            return;
        }
        boolean isOwn = own.contains(path);
        if (attributes.isDirectory() && (isOwn || holdsOwn.contains(path))) {
            clearLower(path);
        } else if (!isOwn) {
            Trees.delete(path);
        }
    }

    /** Removes what lower layers left inside the directory {@code dir}, keeping this layer's own entries. */
    void clearLower(Path dir) throws IOException {
        List<Path> children = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(children::add);
        }
        for (Path child : children) {
            removeLower(child);
        }
    }
}
