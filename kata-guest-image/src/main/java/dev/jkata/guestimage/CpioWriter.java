package dev.jkata.guestimage;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveOutputStream;
import org.apache.commons.compress.archivers.cpio.CpioConstants;

/**
 * Writes a directory tree as the kernel's initramfs format: a cpio "newc" archive, optionally gzip'ed.
 * Every entry is owned by root; permissions and symbolic links are kept; timestamps are zeroed so the same
 * tree always gives the same bytes.
 */
public final class CpioWriter {
    private CpioWriter() {}

    public static void write(Path tree, Path archive, boolean gzip) throws IOException {
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(archive), 1 << 16);
             OutputStream raw = gzip ? new GZIPOutputStream(file, 1 << 16) : file;
             CpioArchiveOutputStream cpio = new CpioArchiveOutputStream(raw, CpioConstants.FORMAT_NEW)) {
            Files.walkFileTree(tree, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                    if (!dir.equals(tree)) {
                        add(cpio, tree, dir, CpioConstants.C_ISDIR, null);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) throws IOException {
                    if (attrs.isSymbolicLink()) {
                        add(cpio, tree, f, CpioConstants.C_ISLNK, Files.readSymbolicLink(f).toString().getBytes(StandardCharsets.UTF_8));
                    } else if (attrs.isRegularFile()) {
                        add(cpio, tree, f, CpioConstants.C_ISREG, null);
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
            cpio.finish();
        }
    }

    private static void add(CpioArchiveOutputStream cpio, Path tree, Path p, int type, byte[] linkTarget) throws IOException {
        String name = tree.relativize(p).toString();
        CpioArchiveEntry e = new CpioArchiveEntry(CpioConstants.FORMAT_NEW, name);
        int perms = type == CpioConstants.C_ISLNK ? 0777 : permissions(p);
        e.setMode(type | perms);
        e.setUID(0);
        e.setGID(0);
        e.setTime(0);
        e.setNumberOfLinks(type == CpioConstants.C_ISDIR ? 2 : 1);
        long size = type == CpioConstants.C_ISREG ? Files.size(p) : linkTarget != null ? linkTarget.length : 0;
        e.setSize(size);
        cpio.putArchiveEntry(e);
        if (type == CpioConstants.C_ISREG) {
            try (InputStream in = Files.newInputStream(p)) {
                in.transferTo(cpio);
            }
        } else if (linkTarget != null) {
            cpio.write(linkTarget);
        }
        cpio.closeArchiveEntry();
    }

    private static int permissions(Path p) throws IOException {
        Set<PosixFilePermission> set = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        int mode = 0;
        for (PosixFilePermission perm : set) {
            mode |= switch (perm) {
                case OWNER_READ -> 0400;
                case OWNER_WRITE -> 0200;
                case OWNER_EXECUTE -> 0100;
                case GROUP_READ -> 040;
                case GROUP_WRITE -> 020;
                case GROUP_EXECUTE -> 010;
                case OTHERS_READ -> 04;
                case OTHERS_WRITE -> 02;
                case OTHERS_EXECUTE -> 01;
            };
        }
        return mode;
    }
}
