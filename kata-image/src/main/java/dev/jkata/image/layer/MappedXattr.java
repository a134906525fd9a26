package dev.jkata.image.layer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;

/**
 * Owners, modes and file types kept the way QEMU's 9p {@code security_model=mapped-xattr} reads them: extended
 * attributes {@code user.virtfs.uid}, {@code user.virtfs.gid} and {@code user.virtfs.mode} (32-bit little-endian;
 * the mode with its file-type bits), and a symbolic link stored as a regular file holding its target. A user who
 * cannot chown can so unpack an image whose guest still sees root-owned files, set-uid bits and links; the host
 * sees only plain files of that user, none of them set-uid and none a link.
 */
public final class MappedXattr {
    static final int S_IFREG = 0100000;
    static final int S_IFDIR = 0040000;
    static final int S_IFLNK = 0120000;
    private static final int S_IFMT = 0170000;
    private static final String UID = "virtfs.uid";
    private static final String GID = "virtfs.gid";
    private static final String MODE = "virtfs.mode";

    private MappedXattr() {}

    static void write(Path path, long uid, long gid, int mode) throws IOException {
        UserDefinedFileAttributeView view = view(path);
        view.write(UID, le32((int) uid));
        view.write(GID, le32((int) gid));
        view.write(MODE, le32(mode));
    }

    /** The recorded mode (type bits included), or -1 when the file has none. */
    public static int mode(Path path) throws IOException {
        UserDefinedFileAttributeView view = view(path);
        if (!view.list().contains(MODE)) {
            return -1;
        }
        ByteBuffer b = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        view.read(MODE, b);
        return b.flip().remaining() == 4 ? b.getInt() : -1;
    }

    /** The recorded {uid, gid}, or null when the file has none. */
    public static int[] owner(Path path) throws IOException {
        UserDefinedFileAttributeView view = view(path);
        if (!view.list().contains(UID)) {
            return null;
        }
        ByteBuffer u = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        ByteBuffer g = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        view.read(UID, u);
        view.read(GID, g);
        return new int[] {u.flip().getInt(), g.flip().getInt()};
    }

    /** Whether {@code path}, a regular file on the host, stands for a symbolic link. */
    static boolean isLink(Path path) throws IOException {
        int m = mode(path);
        return m >= 0 && (m & S_IFMT) == S_IFLNK;
    }

    /** The target a mapped link file holds (bounded as link targets are). */
    static String readLink(Path path) throws IOException {
        try (InputStream in = Files.newInputStream(path, LinkOption.NOFOLLOW_LINKS)) {
            byte[] b = in.readNBytes(EntryNames.MAX_NAME_BYTES + 1);
            if (b.length > EntryNames.MAX_NAME_BYTES) {
                throw new IOException(path + " is too long for a link target");
            }
            return new String(b, StandardCharsets.UTF_8);
        }
    }

    private static UserDefinedFileAttributeView view(Path path) throws IOException {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(path, UserDefinedFileAttributeView.class,
                LinkOption.NOFOLLOW_LINKS);
        if (view == null) {
            throw new IOException("the file system of " + path + " has no extended attributes");
        }
        return view;
    }

    private static ByteBuffer le32(int v) {
        return ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(v).flip();
    }
}
