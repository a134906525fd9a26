package dev.jkata.core.files;

import dev.jkata.agent.protocol.files.FileEntry;
import dev.jkata.api.ContainerFiles;
import dev.jkata.api.FileInfo;
import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.core.channel.DataChannel;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ContainerFiles} of one container over its sandbox's data channel. Tree copies walk one side and replay it
 * on the other with the protocol's single-file operations: on the host nothing is followed or written through a link,
 * and what the guest names is checked before it becomes a host path.
 */
public final class SandboxFiles implements ContainerFiles {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxFiles.class);
    /** The deepest guest tree copied to the host: a hostile guest's nesting is bounded. */
    static final int MAX_DEPTH = 256;

    private final FileClient client;
    private final Runnable guard;

    /**
     * @param channel     the sandbox's data channel
     * @param containerId the container whose files these are
     * @param sandboxId   for errors
     * @param guard       run before every operation: throws when the sandbox cannot serve one (it is closed)
     */
    public SandboxFiles(Supplier<DataChannel> channel, String containerId, String sandboxId, Runnable guard) {
        this.client = new FileClient(channel, containerId, sandboxId);
        this.guard = guard;
    }

    @Override
    public FileInfo stat(String guestPath) {
        guard.run();
        return info(client.stat(guestPath));
    }

    @Override
    public List<FileInfo> list(String guestDir) {
        guard.run();
        return client.list(guestDir).stream().map(SandboxFiles::info).toList();
    }

    @Override
    public InputStream read(String guestPath) {
        guard.run();
        return client.read(guestPath);
    }

    @Override
    public void write(String guestPath, InputStream content, int mode) {
        guard.run();
        client.write(guestPath, content, mode);
    }

    @Override
    public void delete(String guestPath) {
        guard.run();
        client.delete(guestPath);
    }

    @Override
    public void mkdirs(String guestPath) {
        guard.run();
        client.mkdirs(guestPath, 0755);
    }

    @Override
    public void copyTo(Path hostFileOrDir, String guestPath) {
        guard.run();
        FileClient.checked(guestPath);
        Path src = hostFileOrDir.toAbsolutePath().normalize();
        if (!Files.exists(src)) {
            throw new InvalidConfigurationException("hostFileOrDir", src + " does not exist on the host");
        }
        String dest = guestPath;
        Optional<FileEntry> there = find(guestPath);
        if (there.isPresent() && there.get().type() == FileEntry.Type.DIRECTORY && src.getFileName() != null) {
            dest = join(guestPath, src.getFileName().toString());
        }
        try {
            if (Files.isDirectory(src)) {
                copyTreeTo(src, dest);
            } else if (Files.isRegularFile(src)) {
                try (InputStream in = Files.newInputStream(src)) {
                    client.write(dest, in, mode(src));
                }
            } else {
                throw new InvalidConfigurationException("hostFileOrDir", src + " is neither a file nor a directory");
            }
        } catch (IOException e) {
            throw new KataException(KataErrorReason.IO, "cannot copy " + src + " to " + dest + ": " + e.getMessage(), e);
        }
    }

    private void copyTreeTo(Path src, String dest) throws IOException {
        Map<Object, String> linked = new HashMap<>();
        Files.walkFileTree(src, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                client.mkdirs(guest(dir), mode(dir));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String to = guest(file);
                if (attrs.isSymbolicLink()) {
                    client.symlink(to, Files.readSymbolicLink(file).toString());
                } else if (attrs.isRegularFile()) {
                    Object key = attrs.fileKey();
                    int links = ((Number) Files.getAttribute(file, "unix:nlink", LinkOption.NOFOLLOW_LINKS)).intValue();
                    String first = links > 1 && key != null ? linked.putIfAbsent(key, to) : null;
                    if (first != null) {
                        client.link(to, first);
                    } else {
                        try (InputStream in = Files.newInputStream(file, LinkOption.NOFOLLOW_LINKS)) {
                            client.write(to, in, mode(file));
                        }
                    }
                } else {
                    LOG.warn("Not copied into the sandbox: {} is not a file, directory or symbolic link", file);
                }
                return FileVisitResult.CONTINUE;
            }

            private String guest(Path p) {
                Path rel = src.relativize(p);
                String r = rel.toString();
                return r.isEmpty() ? dest : join(dest, r);
            }
        });
    }

    @Override
    public void copyFrom(String guestPath, Path hostTarget) {
        guard.run();
        FileEntry top = client.stat(guestPath);
        Path target = hostTarget.toAbsolutePath().normalize();
        Path dest;
        if (Files.isDirectory(target)) {
            String name = top.name().equals("/") ? "rootfs" : top.name();
            dest = target.resolve(checkedName(name));
        } else {
            if (target.getParent() == null || !Files.isDirectory(target.getParent())) {
                throw new InvalidConfigurationException("hostTarget", "the directory of " + target + " does not exist");
            }
            dest = target;
        }
        try {
            switch (top.type()) {
                case FILE -> receiveFile(guestPath, top, dest, true);
                case DIRECTORY -> receiveTree(guestPath, top, dest);
                case SYMLINK -> Files.createSymbolicLink(dest, Path.of(top.linkTarget()));
                case OTHER -> throw new InvalidConfigurationException("guestPath", guestPath
                        + " is not a file, directory or symbolic link");
            }
        } catch (IOException e) {
            throw new KataException(KataErrorReason.IO, "cannot copy " + guestPath + " to " + dest + ": " + e.getMessage(), e);
        }
    }

    /** A directory's copy, made new at {@code dest}: entries by name, their modes set once their contents are in. */
    private void receiveTree(String guestDir, FileEntry top, Path dest) throws IOException {
        Files.createDirectory(dest);
        Map<Long, Path> inodes = new HashMap<>();
        Deque<Runnable> modes = new ArrayDeque<>();
        receiveDir(guestDir, dest, 0, inodes, modes);
        modes.push(() -> setMode(dest, top.mode()));
        while (!modes.isEmpty()) {
            modes.pop().run();
        }
    }

    private void receiveDir(String guestDir, Path hostDir, int depth, Map<Long, Path> inodes, Deque<Runnable> modes)
            throws IOException {
        if (depth >= MAX_DEPTH) {
            throw new KataException(KataErrorReason.PROTOCOL_VIOLATION, guestDir + " is nested more than " + MAX_DEPTH
                    + " directories deep; copy a part of it");
        }
        for (FileEntry e : client.list(guestDir)) {
            String name = checkedName(e.name());
            Path child = hostDir.resolve(name);
            String guestChild = join(guestDir, name);
            switch (e.type()) {
                case DIRECTORY -> {
                    Files.createDirectory(child);
                    receiveDir(guestChild, child, depth + 1, inodes, modes);
                    modes.push(() -> setMode(child, e.mode()));
                }
                case FILE -> {
                    Path first = e.links() > 1 && e.inode() != 0 ? inodes.putIfAbsent(e.inode(), child) : null;
                    if (first != null) {
                        Files.createLink(child, first);
                    } else {
                        receiveFile(guestChild, e, child, false);
                    }
                }
                case SYMLINK -> Files.createSymbolicLink(child, Path.of(e.linkTarget()));
                case OTHER -> LOG.warn("Not copied from the sandbox: {} is not a file, directory or symbolic link", guestChild);
            }
        }
    }

    /**
     * A file's copy at {@code dest}: streamed into a new file (created, never opened through a link), then its mode and
     * time. {@code replace}: written beside {@code dest} and renamed over what is there (a single file's copy).
     */
    private void receiveFile(String guestPath, FileEntry e, Path dest, boolean replace) throws IOException {
        Path into = replace ? Files.createTempFile(dest.getParent(), ".jkata-", ".part") : dest;
        try {
            try (InputStream in = client.read(guestPath);
                 OutputStream out = Files.newOutputStream(into, replace
                         ? new StandardOpenOption[] {StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING}
                         : new StandardOpenOption[] {StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE})) {
                in.transferTo(out);
            }
            Files.setLastModifiedTime(into, FileTime.fromMillis(e.modifiedMillis()));
            setMode(into, e.mode());
            if (replace) {
                if (Files.isDirectory(dest, LinkOption.NOFOLLOW_LINKS)) {
                    throw new IOException(dest + " is a directory");
                }
                Files.move(into, dest, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException | RuntimeException ex) {
            if (replace) {
                Files.deleteIfExists(into);
            }
            throw ex;
        }
    }

    /** A name from the guest, as one element of a host path: no separator, no NUL, not {@code .} or {@code ..}. */
    static String checkedName(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0 || name.indexOf('\0') >= 0) {
            throw new KataException(KataErrorReason.PROTOCOL_VIOLATION, "the guest named a file '" + name
                    + "', which cannot be one element of a path; nothing more of the copy is written");
        }
        return name;
    }

    private Optional<FileEntry> find(String guestPath) {
        try {
            return Optional.of(client.stat(guestPath));
        } catch (KataException e) {
            if (e.reason() == KataErrorReason.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static String join(String dir, String rel) {
        return dir.endsWith("/") ? dir + rel : dir + "/" + rel;
    }

    private static int mode(Path p) throws IOException {
        return (Integer) Files.getAttribute(p, "unix:mode", LinkOption.NOFOLLOW_LINKS) & 0777;
    }

    private static void setMode(Path p, int mode) {
        try {
            Files.setPosixFilePermissions(p, dev.jkata.agent.protocol.files.FileModes.permissions(mode));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static FileInfo info(FileEntry e) {
        return new FileInfo(e.name(), FileInfo.Type.valueOf(e.type().name()), e.mode(), e.size(),
                Instant.ofEpochMilli(e.modifiedMillis()),
                e.type() == FileEntry.Type.SYMLINK ? Optional.of(e.linkTarget()) : Optional.empty());
    }
}
