package dev.jkata.agent.system;

import dev.jkata.agent.errors.AgentException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * CopyFile: writes files the host sends, in parts, below one root directory ({@code /run/kata-containers}
 * in the guest) and nowhere else.
 *
 * <p>Each part is written at its offset into {@code <path>.tmp}; when that file reaches {@code file_size}
 * it gets its mode and owner and is renamed onto {@code path}, so a reader never sees a half-written file.
 * A path outside the root, after normalisation and after resolving the symbolic links of the directories
 * that exist, is INVALID_ARGUMENT. A mode of 0 means 0644 for files and 0755 for directories.
 */
public final class FileCopier {
    private static final int DEFAULT_FILE_MODE = 0644;
    private static final int DEFAULT_DIR_MODE = 0755;

    private final Path root;

    /** Copies below {@code root}, an absolute directory. */
    public FileCopier(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    public Path root() { return root; }

    /**
     * One part of a file.
     *
     * @param path     absolute destination path, below the root
     * @param offset   where {@code data} goes in the file
     * @param fileSize the size of the whole file; the part that completes it publishes the file
     * @param fileMode permission bits of the file (0: 0644)
     * @param dirMode  permission bits of directories created on the way (0: 0755)
     * @param uid      owner of the file
     * @param gid      group of the file
     * @param data     the part's bytes
     */
    public record Part(String path, long offset, long fileSize, int fileMode, int dirMode, int uid, int gid, byte[] data) {}

    /** Writes one part; returns true when the file is complete and in place. */
    public boolean write(Part part) {
        Path target = validate(part);
        Path parent = target.getParent();
        Path tmp = parent.resolve(target.getFileName() + ".tmp");
        try {
            createDirectories(parent, part.dirMode() == 0 ? DEFAULT_DIR_MODE : part.dirMode());
            checkInsideRoot(parent.toRealPath());
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.CREATE,
                    LinkOption.NOFOLLOW_LINKS)) {
                ByteBuffer buf = ByteBuffer.wrap(part.data());
                long pos = part.offset();
                while (buf.hasRemaining()) {
                    pos += ch.write(buf, pos);
                }
                if (ch.size() != part.fileSize()) {
                    return false;
                }
            }
            if (!Files.getAttribute(tmp, "unix:uid", LinkOption.NOFOLLOW_LINKS).equals(part.uid())
                    || !Files.getAttribute(tmp, "unix:gid", LinkOption.NOFOLLOW_LINKS).equals(part.gid())) {
                Files.setAttribute(tmp, "unix:uid", part.uid(), LinkOption.NOFOLLOW_LINKS);
                Files.setAttribute(tmp, "unix:gid", part.gid(), LinkOption.NOFOLLOW_LINKS);
            }
            Files.setAttribute(tmp, "unix:mode", part.fileMode() == 0 ? DEFAULT_FILE_MODE : part.fileMode() & 07777,
                    LinkOption.NOFOLLOW_LINKS);
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return true;
        } catch (IOException e) {
            throw AgentException.internal("CopyFile " + target + ": " + e, e);
        }
    }

    private Path validate(Part part) {
        String path = part.path();
        if (path.isEmpty() || !path.startsWith("/")) {
            throw AgentException.invalid("CopyFile path must be absolute, was '" + path + "'");
        }
        if (path.indexOf('\0') >= 0) {
            throw AgentException.invalid("CopyFile path contains a NUL byte");
        }
        Path target = Path.of(path).normalize();
        checkInsideRoot(target);
        if (part.offset() < 0 || part.fileSize() < 0) {
            throw AgentException.invalid("CopyFile offset and file_size must not be negative");
        }
        if (part.offset() + part.data().length > part.fileSize()) {
            throw AgentException.invalid("CopyFile part [" + part.offset() + ", " + (part.offset() + part.data().length)
                    + ") goes past file_size " + part.fileSize());
        }
        return target;
    }

    private void checkInsideRoot(Path p) {
        Path realRoot = realRoot();
        if (!(p.startsWith(root) || p.startsWith(realRoot)) || p.equals(root) || p.equals(realRoot)) {
            throw AgentException.invalid("CopyFile writes only below " + root + ", not to " + p);
        }
    }

    private Path realRoot() {
        try {
            return root.toRealPath();
        } catch (IOException e) {
            return root;
        }
    }

    /** Creates {@code dir} and missing parents with {@code mode}, refusing to follow a link out of the root. */
    private void createDirectories(Path dir, int mode) throws IOException {
        if (Files.isDirectory(dir)) {
            return;
        }
        Path parent = dir.getParent();
        if (parent != null && !parent.equals(root)) {
            if (!parent.startsWith(root)) {
                throw new IOException("cannot create " + dir + " outside " + root);
            }
            createDirectories(parent, mode);
        } else if (parent != null) {
            Files.createDirectories(root);
        }
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(rwx(mode))));
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
            return;
        }
        Files.setAttribute(dir, "unix:mode", mode & 07777);
    }

    private static String rwx(int mode) {
        StringBuilder sb = new StringBuilder(9);
        String letters = "rwxrwxrwx";
        for (int i = 0; i < 9; i++) {
            sb.append((mode & (1 << (8 - i))) != 0 ? letters.charAt(i) : '-');
        }
        return sb.toString();
    }
}
