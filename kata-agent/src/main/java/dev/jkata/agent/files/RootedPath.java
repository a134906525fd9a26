package dev.jkata.agent.files;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * A container path resolved inside the container's root, as {@code openat2(RESOLVE_IN_ROOT)} would: {@code ..} stops
 * at the root, and a symbolic link's target is read as a path inside the root (an absolute one starts over at the
 * root), so no link the container made leads out of it. Paths into {@code /proc} and {@code /sys} are refused: they
 * are the kernel's, not the container's files.
 */
final class RootedPath {
    /** As the kernel's limit on links followed in one lookup. */
    private static final int MAX_LINKS = 40;

    private RootedPath() {
    }

    /** What went wrong resolving a path. */
    static final class Refused extends Exception {
        final boolean missing;

        Refused(String message, boolean missing) {
            super(message);
            this.missing = missing;
        }
    }

    /**
     * {@code path} (absolute) inside {@code root}.
     *
     * @param followLast whether a symbolic link in the last element is followed too
     * @return the path in the agent's view; its last element may not exist
     */
    static Path resolve(Path root, String path, boolean followLast) throws Refused {
        if (!path.startsWith("/")) {
            throw new Refused("'" + path + "' is not an absolute path", false);
        }
        Deque<String> todo = new ArrayDeque<>();
        push(todo, path);
        Deque<String> done = new ArrayDeque<>();
        int links = 0;
        while (!todo.isEmpty()) {
            String name = todo.pop();
            if (name.isEmpty() || name.equals(".")) {
                continue;
            }
            if (name.equals("..")) {
                done.pollLast();
                continue;
            }
            if (done.isEmpty() && (name.equals("proc") || name.equals("sys"))) {
                throw new Refused("'" + path + "' is in /" + name + ", the kernel's files, not the container's", false);
            }
            Path next = join(root, done).resolve(name);
            boolean last = todo.stream().allMatch(n -> n.isEmpty() || n.equals("."));
            if ((followLast || !last) && Files.isSymbolicLink(next)) {
                if (++links > MAX_LINKS) {
                    throw new Refused("more than " + MAX_LINKS + " symbolic links resolving '" + path + "'", false);
                }
                String target;
                try {
                    target = Files.readSymbolicLink(next).toString();
                } catch (IOException e) {
                    throw new Refused("cannot read the link " + name + ": " + e.getMessage(), true);
                }
                if (target.startsWith("/")) {
                    done.clear();
                }
                push(todo, target);
                continue;
            }
            if (!last && !Files.isDirectory(next, LinkOption.NOFOLLOW_LINKS)) {
                throw new Refused("'" + path + "': " + String.join("/", done) + (done.isEmpty() ? "" : "/") + name
                        + (Files.exists(next, LinkOption.NOFOLLOW_LINKS) ? " is not a directory" : " does not exist"),
                        !Files.exists(next, LinkOption.NOFOLLOW_LINKS));
            }
            done.addLast(name);
        }
        return join(root, done);
    }

    private static void push(Deque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) {
            todo.push(parts[i]);
        }
    }

    private static Path join(Path root, Deque<String> parts) {
        Path p = root;
        for (String s : parts) {
            p = p.resolve(s);
        }
        return p;
    }
}
