package dev.jkata.agent.protocol.files;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** Permission bits as the protocol carries them ({@code 0755}) and as {@code java.nio} sets them, both ends alike. */
public final class FileModes {
    private FileModes() {
    }

    /** The read, write and execute bits of {@code mode} (setuid, setgid and sticky are not carried over). */
    public static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> s = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] bits = PosixFilePermission.values(); // OWNER_READ .. OTHERS_EXECUTE, high bit first
        for (int i = 0; i < bits.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                s.add(bits[i]);
            }
        }
        return s;
    }
}
