package dev.jkata.agent.protocol.files;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.Objects;

/**
 * One file as STAT and LIST describe it.
 *
 * @param name       its last path element ({@code /} for the root)
 * @param type       what it is
 * @param mode       its permission bits (07777)
 * @param size       its size in bytes
 * @param modifiedMillis its modification time, in milliseconds since the epoch
 * @param inode      its inode number, to find hard links (0 where unknown)
 * @param links      how many names it has
 * @param linkTarget a symbolic link's target as stored, else empty
 */
public record FileEntry(String name, Type type, int mode, long size, long modifiedMillis, long inode, int links,
                        String linkTarget) {
    /** The kinds of file the protocol tells apart. */
    public enum Type { FILE, DIRECTORY, SYMLINK, OTHER }

    public FileEntry {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(linkTarget, "linkTarget");
        mode &= 07777;
    }

    public void write(DataOutputStream out) throws IOException {
        WireStrings.write(out, name);
        out.writeByte(type.ordinal());
        out.writeInt(mode);
        out.writeLong(size);
        out.writeLong(modifiedMillis);
        out.writeLong(inode);
        out.writeInt(links);
        WireStrings.write(out, linkTarget);
    }

    public static FileEntry read(DataInputStream in) throws IOException {
        String name = WireStrings.read(in);
        int t = in.readUnsignedByte();
        if (t >= Type.values().length) {
            throw new FileProtocolException("no file type " + t);
        }
        int mode = in.readInt();
        long size = in.readLong();
        long mtime = in.readLong();
        long inode = in.readLong();
        int links = in.readInt();
        String target = WireStrings.read(in);
        if (size < 0 || links < 0) {
            throw new FileProtocolException("a negative size or link count");
        }
        return new FileEntry(name, Type.values()[t], mode, size, mtime, inode, links, target);
    }
}
