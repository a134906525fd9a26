package dev.jkata.agent.protocol.files;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * How an operation went: a byte (0: done; else the {@link Failure}) and, for a failure, a message.
 */
public final class FileStatus {
    /** Why an operation failed, as the host reports it. */
    public enum Failure {
        /** The path (or a directory on the way) does not exist. */
        NOT_FOUND,
        /** The request is not allowed: a relative path, /proc or /sys, a device, the root itself. */
        INVALID,
        /** Something is in the way: the path exists, or is not a directory where one is needed. */
        CONFLICT,
        /** The container does not exist, or has no files to reach. */
        NO_CONTAINER,
        /** The guest's file system failed (ENOSPC, EIO, a permission). */
        IO
    }

    /** An operation the other side reported failed. */
    public static final class FailedException extends IOException {
        private final Failure failure;

        public FailedException(Failure failure, String message) {
            super(message);
            this.failure = failure;
        }

        public Failure failure() { return failure; }
    }

    private FileStatus() {
    }

    public static void ok(OutputStream out) throws IOException {
        out.write(0);
        out.flush();
    }

    public static void failed(OutputStream out, Failure failure, String message) throws IOException {
        DataOutputStream d = new DataOutputStream(out);
        d.writeByte(failure.ordinal() + 1);
        String m = message == null ? "" : message;
        WireStrings.write(d, m.length() > 1024 ? m.substring(0, 1024) : m.replace('\0', '?'));
        d.flush();
    }

    /** Reads a status; a failure is thrown as a {@link FailedException}. */
    public static void read(InputStream in) throws IOException {
        DataInputStream d = new DataInputStream(in);
        int b = d.read();
        if (b < 0) {
            throw new FileProtocolException("the stream ended before its status");
        }
        if (b == 0) {
            return;
        }
        if (b > Failure.values().length) {
            throw new FileProtocolException("no status " + b);
        }
        throw new FailedException(Failure.values()[b - 1], WireStrings.read(d));
    }
}
