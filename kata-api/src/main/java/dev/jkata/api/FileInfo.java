package dev.jkata.api;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A file in a container, as {@link ContainerFiles#stat} and {@link ContainerFiles#list} describe it.
 *
 * @param name       its last path element ({@code /} for the root)
 * @param type       what it is
 * @param mode       its permission bits ({@code 0755})
 * @param size       its size in bytes
 * @param modified   when it was last modified
 * @param linkTarget a symbolic link's target, as stored
 */
public record FileInfo(String name, Type type, int mode, long size, Instant modified, Optional<String> linkTarget) {
    /** The kinds of file told apart. */
    public enum Type { FILE, DIRECTORY, SYMLINK, OTHER }

    public FileInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(modified, "modified");
        Objects.requireNonNull(linkTarget, "linkTarget");
    }

    public boolean isDirectory() { return type == Type.DIRECTORY; }

    public boolean isFile() { return type == Type.FILE; }
}
