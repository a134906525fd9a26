package dev.jkata.guestimage.host;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserDefinedFileAttributeView;

/** Whether a host directory's file system keeps user extended attributes (9p's mapped-xattr model needs them). */
public final class UserXattrs {
    private static final String PROBE = "jkata.probe";

    private UserXattrs() {}

    /** Writes and removes a {@code user.} attribute on {@code dir} itself; false where the file system refuses. */
    public static boolean supported(Path dir) {
        UserDefinedFileAttributeView view = Files.getFileAttributeView(dir, UserDefinedFileAttributeView.class);
        if (view == null) {
            return false;
        }
        try {
            view.write(PROBE, ByteBuffer.wrap(new byte[] {1}));
            view.delete(PROBE);
            return true;
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return false;
        }
    }
}
