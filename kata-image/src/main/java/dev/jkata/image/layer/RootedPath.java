package dev.jkata.image.layer;

import java.io.IOException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Resolves a path inside an image's root directory the way the kernel would inside a chroot at that root: symbolic
 * links are followed component by component, an absolute link target starts again at the root, and {@code ..} never
 * climbs above it. The result is always the root itself or a path below it whose intermediate components are real
 * directories or do not exist, never symbolic links, so opening it cannot leave the root (as long as nobody else
 * changes the tree meanwhile).
 *
 * <p>Used to unpack layers and to read files such as {@code /etc/passwd} of an unpacked image.
 */
public final class RootedPath {
    /** The most symbolic links one resolution follows, as Linux's limit; more is taken to be a loop. */
    public static final int MAX_LINK_HOPS = 40;

    private RootedPath() {}

    /**
     * The host path of {@code name} inside {@code root}, following links in every component but the final one, so
     * that the result names a link itself rather than what it points at. Leading slashes in {@code name} are ignored.
     *
     * @throws FileSystemLoopException if more than {@value #MAX_LINK_HOPS} links are followed
     */
    public static Path resolve(Path root, String name) throws IOException {
        return walk(root, name, false, false);
    }

    /**
     * As {@link #resolve(Path, String)} or {@link #resolveFollowingFinal(Path, String)}; with {@code linksAsFiles}
     * a regular file that {@link MappedXattr} marks as a link is followed as one (a tree unpacked with
     * {@link Ownership#MAPPED_XATTR}).
     */
    public static Path resolve(Path root, String name, boolean followFinal, boolean linksAsFiles) throws IOException {
        return walk(root, name, followFinal, linksAsFiles);
    }

    /**
     * The host path of {@code name} inside {@code root}, following links in every component including the final
     * one; use it to read a file the image names, such as {@code etc/passwd}.
     *
     * @throws FileSystemLoopException if more than {@value #MAX_LINK_HOPS} links are followed
     */
    public static Path resolveFollowingFinal(Path root, String name) throws IOException {
        return walk(root, name, true, false);
    }

    private record Step(String name, boolean directory) {}

    private static Path walk(Path root, String name, boolean followFinal, boolean linksAsFiles) throws IOException {
        Path base = root.toAbsolutePath().normalize();
        Deque<String> pending = new ArrayDeque<>(components(name));
        List<Step> done = new ArrayList<>();
        int hops = 0;
        while (!pending.isEmpty()) {
            String part = pending.removeFirst();
            if (part.equals("..")) {
                if (!done.isEmpty()) {
                    done.remove(done.size() - 1);
                }
                continue;
            }
            if (pending.isEmpty() && !followFinal) {
                done.add(new Step(part, false));
                break;
            }
            boolean parentIsDirectory = done.isEmpty() || done.get(done.size() - 1).directory();
            Path here = join(base, done).resolve(part);
            BasicFileAttributes attributes = parentIsDirectory ? lstatOrNull(here) : null;
            boolean mappedLink = linksAsFiles && attributes != null && attributes.isRegularFile() && MappedXattr.isLink(here);
            if (attributes != null && (attributes.isSymbolicLink() || mappedLink)) {
                if (++hops > MAX_LINK_HOPS) {
                    throw new FileSystemLoopException(name);
                }
                String target = mappedLink ? MappedXattr.readLink(here) : Files.readSymbolicLink(here).toString();
                if (target.startsWith("/")) {
                    done.clear();
                }
                List<String> expanded = components(target);
                for (int i = expanded.size() - 1; i >= 0; i--) {
                    pending.addFirst(expanded.get(i));
                }
                continue;
            }
            done.add(new Step(part, attributes != null && attributes.isDirectory()));
        }
        return join(base, done);
    }

    private static List<String> components(String path) {
        List<String> parts = new ArrayList<>();
        for (String part : path.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        return parts;
    }

    private static Path join(Path base, List<Step> steps) {
        Path path = base;
        for (Step step : steps) {
            path = path.resolve(step.name());
        }
        return path;
    }

    /**
     * The attributes of {@code path} itself (a link is not followed), or {@code null} if nothing is there, including
     * when its parent is not a directory.
     */
    static BasicFileAttributes lstatOrNull(Path path) throws IOException {
        try {
            return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            return null;
        } catch (FileSystemException e) {
            Path parent = path.getParent();
            if (parent != null) {
                BasicFileAttributes above = lstatOrNull(parent);
                if (above == null || !above.isDirectory()) {
                    return null;
                }
            }
            throw e;
        }
    }
}
