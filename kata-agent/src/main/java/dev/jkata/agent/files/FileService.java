package dev.jkata.agent.files;

import dev.jkata.agent.errors.AgentException;
import dev.jkata.agent.protocol.files.FileEntry;
import dev.jkata.agent.protocol.files.FileModes;
import dev.jkata.agent.protocol.files.FileOp;
import dev.jkata.agent.protocol.files.FileRequest;
import dev.jkata.agent.protocol.files.FileStatus;
import dev.jkata.agent.protocol.files.FileStatus.Failure;
import dev.jkata.agent.protocol.yamux.YamuxStream;
import java.io.BufferedOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.function.Function;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * Serves one file stream: reads the {@link FileRequest} after its head line, answers with a {@link FileStatus} and
 * what the operation carries (see {@link FileOp}). Paths are resolved by {@link RootedPath} inside the root
 * {@code rootOf} gives for the container: for a running one its init's view ({@code /proc/<pid>/root}, with its
 * mounts), else the root file system the agent made for it.
 */
public final class FileService {
    private static final Logger LOG = Logger.getLogger(FileService.class.getName());
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    /** How long a WRITE's bytes may pause: the host streams them from wherever it reads them. */
    private static final Duration DATA_IDLE = Duration.ofMinutes(5);
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Function<String, Path> rootOf;

    /** @param rootOf a container's root in the agent's view; throws {@link AgentException} for an unknown container */
    public FileService(Function<String, Path> rootOf) {
        this.rootOf = rootOf;
    }

    /** Serves {@code stream}, whose head line has been read, to its end; closes it. */
    public void serve(YamuxStream stream) {
        try (stream) {
            stream.readTimeout(REQUEST_TIMEOUT);
            FileRequest req = FileRequest.read(stream.getInputStream());
            stream.readTimeout(DATA_IDLE);
            OutputStream out = new BufferedOutputStream(stream.getOutputStream(), 64 * 1024);
            try {
                handle(req, stream.getInputStream(), out);
            } catch (Failed f) {
                FileStatus.failed(out, f.failure, f.getMessage());
            }
            out.flush();
        } catch (IOException | RuntimeException e) {
            LOG.fine("file stream " + stream.id() + " dropped: " + e);
            stream.reset();
        }
    }

    /** A failure to report to the host. */
    private static final class Failed extends Exception {
        final Failure failure;

        Failed(Failure failure, String message) {
            super(message);
            this.failure = failure;
        }
    }

    private void handle(FileRequest req, InputStream in, OutputStream out) throws IOException, Failed {
        Path root;
        try {
            root = rootOf.apply(req.containerId());
        } catch (AgentException e) {
            throw new Failed(Failure.NO_CONTAINER, e.getMessage());
        }
        String path = req.path();
        try {
            switch (req.op()) {
                case STAT -> {
                    Path p = resolve(root, path, false);
                    FileEntry e = entry(p, p.equals(root) ? "/" : p.getFileName().toString(), root);
                    FileStatus.ok(out);
                    e.write(new DataOutputStream(out));
                }
                case LIST -> list(resolve(root, path, true), path, out, root);
                case READ -> read(resolve(root, path, true), path, out);
                case WRITE -> write(root, resolve(root, path, false), path, req.mode(), in, out);
                case MKDIRS -> {
                    mkdirs(root, path, req.mode());
                    FileStatus.ok(out);
                }
                case DELETE -> {
                    Path p = resolve(root, path, false);
                    if (p.equals(root)) {
                        throw new Failed(Failure.INVALID, "the container's root cannot be deleted");
                    }
                    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                        throw new Failed(Failure.NOT_FOUND, path + " does not exist");
                    }
                    dev.jkata.agent.system.FileTree.delete(p);
                    FileStatus.ok(out);
                }
                case SYMLINK -> {
                    if (req.other().isEmpty()) {
                        throw new Failed(Failure.INVALID, "a symbolic link needs a target");
                    }
                    Files.createSymbolicLink(resolve(root, path, false), Path.of(req.other()));
                    FileStatus.ok(out);
                }
                case LINK -> {
                    Path existing = resolve(root, req.other(), false);
                    if (!Files.isRegularFile(existing, LinkOption.NOFOLLOW_LINKS)) {
                        throw new Failed(Failure.INVALID, req.other() + " is not a regular file to link to");
                    }
                    Files.createLink(resolve(root, path, false), existing);
                    FileStatus.ok(out);
                }
            }
        } catch (NoSuchFileException e) {
            throw new Failed(Failure.NOT_FOUND, path + ": no such file or directory");
        } catch (FileAlreadyExistsException e) {
            throw new Failed(Failure.CONFLICT, path + " exists already");
        } catch (DirectoryNotEmptyException | NotDirectoryException e) {
            throw new Failed(Failure.CONFLICT, path + ": " + e.getClass().getSimpleName());
        } catch (java.nio.file.InvalidPathException e) {
            throw new Failed(Failure.INVALID, "'" + path + "' cannot be a path in this guest: " + e.getReason());
        }
    }

    private static Path resolve(Path root, String path, boolean followLast) throws Failed {
        try {
            return RootedPath.resolve(root, path, followLast);
        } catch (RootedPath.Refused r) {
            throw new Failed(r.missing ? Failure.NOT_FOUND : Failure.INVALID, r.getMessage());
        }
    }

    private static void list(Path dir, String path, OutputStream out, Path root) throws IOException, Failed {
        if (!Files.isDirectory(dir, links(dir, root))) {
            throw new Failed(Files.exists(dir, LinkOption.NOFOLLOW_LINKS) ? Failure.CONFLICT : Failure.NOT_FOUND,
                    path + (Files.exists(dir, LinkOption.NOFOLLOW_LINKS) ? " is not a directory" : " does not exist"));
        }
        List<Path> children;
        try (Stream<Path> s = Files.list(dir)) {
            children = s.sorted().toList();
        }
        FileStatus.ok(out);
        DataOutputStream d = new DataOutputStream(out);
        for (Path c : children) {
            FileEntry e;
            try {
                e = entry(c, c.getFileName().toString(), root);
            } catch (IOException gone) {
                continue; // deleted while listed
            }
            d.writeByte(1);
            e.write(d);
        }
        d.writeByte(0);
    }

    private static void read(Path file, String path, OutputStream out) throws IOException, Failed {
        if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new Failed(Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? Failure.INVALID : Failure.NOT_FOUND,
                    path + (Files.exists(file, LinkOption.NOFOLLOW_LINKS) ? " is not a regular file" : " does not exist"));
        }
        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
            FileStatus.ok(out);
            in.transferTo(out);
        }
    }

    /** Into a file beside the target, then renamed over it; a failure drains the host's bytes before it is said. */
    private static void write(Path root, Path target, String path, int mode, InputStream in, OutputStream out)
            throws IOException, Failed {
        if (target.equals(root) || Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new Failed(Failure.CONFLICT, path + " is a directory");
        }
        Path parent = target.getParent();
        if (!Files.isDirectory(parent, links(parent, root))) {
            throw new Failed(Failure.NOT_FOUND, "the directory of " + path + " does not exist");
        }
        Path temp = parent.resolve(".jkata-write-" + HexFormat.of().toHexDigits(RANDOM.nextLong()));
        FileStatus.ok(out); // the host may send
        String failure = null;
        try (OutputStream f = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            in.transferTo(f);
        } catch (IOException e) {
            failure = e.getMessage();
        }
        if (failure == null) {
            try {
                Files.setPosixFilePermissions(temp, FileModes.permissions(mode));
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                failure = e.getMessage();
            }
        }
        if (failure != null) {
            in.transferTo(OutputStream.nullOutputStream());
            Files.deleteIfExists(temp);
            throw new Failed(Failure.IO, "cannot write " + path + ": " + failure);
        }
        FileStatus.ok(out);
    }

    private static void mkdirs(Path root, String path, int mode) throws IOException, Failed {
        if (!path.startsWith("/")) {
            throw new Failed(Failure.INVALID, "'" + path + "' is not an absolute path");
        }
        StringBuilder prefix = new StringBuilder();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            prefix.append('/').append(part);
            Path p = resolve(root, prefix.toString(), true);
            if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                Files.createDirectory(p);
                Files.setPosixFilePermissions(p, FileModes.permissions(mode));
            } else if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                throw new Failed(Failure.CONFLICT, prefix + " is not a directory");
            }
        }
    }

    /**
     * How to look at {@code p}: never through a link, except the root itself, which may be one ({@code /proc/<pid>/root}
     * is the kernel's link to the container's root).
     */
    private static LinkOption[] links(Path p, Path root) {
        return p.equals(root) ? new LinkOption[0] : new LinkOption[] {LinkOption.NOFOLLOW_LINKS};
    }

    private static FileEntry entry(Path p, String name, Path root) throws IOException {
        LinkOption[] o = links(p, root);
        PosixFileAttributes a = Files.readAttributes(p, PosixFileAttributes.class, o);
        FileEntry.Type type = a.isSymbolicLink() ? FileEntry.Type.SYMLINK : a.isDirectory() ? FileEntry.Type.DIRECTORY
                : a.isRegularFile() ? FileEntry.Type.FILE : FileEntry.Type.OTHER;
        int mode = (Integer) Files.getAttribute(p, "unix:mode", o) & 07777;
        long ino = ((Number) Files.getAttribute(p, "unix:ino", o)).longValue();
        int nlink = ((Number) Files.getAttribute(p, "unix:nlink", o)).intValue();
        String target = a.isSymbolicLink() ? Files.readSymbolicLink(p).toString() : "";
        return new FileEntry(name, type, mode, a.size(), a.lastModifiedTime().toMillis(), ino, nlink, target);
    }
}
