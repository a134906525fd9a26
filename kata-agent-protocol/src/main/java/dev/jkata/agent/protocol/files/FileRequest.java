package dev.jkata.agent.protocol.files;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * One file operation: after the head line {@link #HEAD}, its op (a byte), the container's id, the path, a mode and a
 * second string ({@code other}: a link's target, or empty).
 *
 * @param op          what to do
 * @param containerId whose files
 * @param path        an absolute path as the container sees it
 * @param mode        permission bits for WRITE and MKDIRS (at most 07777), else 0
 * @param other       SYMLINK's target, LINK's existing file; else empty
 */
public record FileRequest(FileOp op, String containerId, String path, int mode, String other) {
    /** The first line of a file stream on the forwarding port. */
    public static final String HEAD = "FILES";

    public FileRequest {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(other, "other");
        if ((mode & ~07777) != 0) {
            throw new IllegalArgumentException("mode " + Integer.toOctalString(mode) + " is not permission bits");
        }
    }

    public static FileRequest of(FileOp op, String containerId, String path) {
        return new FileRequest(op, containerId, path, 0, "");
    }

    /** Writes the head line and the request. */
    public void write(OutputStream out) throws IOException {
        out.write((HEAD + "\n").getBytes(StandardCharsets.US_ASCII));
        DataOutputStream d = new DataOutputStream(out);
        d.writeByte(op.ordinal());
        WireStrings.write(d, containerId);
        WireStrings.write(d, path);
        d.writeInt(mode);
        WireStrings.write(d, other);
        d.flush();
    }

    /** Reads a request whose head line has been read already. */
    public static FileRequest read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int op = d.readUnsignedByte();
        if (op >= FileOp.values().length) {
            throw new FileProtocolException("no file operation " + op);
        }
        String cid = WireStrings.read(d);
        String path = WireStrings.read(d);
        int mode = d.readInt();
        String other = WireStrings.read(d);
        try {
            return new FileRequest(FileOp.values()[op], cid, path, mode, other);
        } catch (IllegalArgumentException e) {
            throw new FileProtocolException(e.getMessage());
        }
    }
}
