package dev.jkata.agent.system;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/**
 * The kernel's random pool, reseeded from bytes the host sends (Kata's ReseedRandomDev). A clone of a VM template
 * starts with its template's pool; before any user code runs, the host's bytes are credited to the input pool
 * ({@code RNDADDENTROPY}) and the CRNG is reseeded from it at once ({@code RNDRESEEDCRNG}), so two clones draw
 * different numbers. Needs CAP_SYS_ADMIN, which the agent has.
 */
final class RandomPool {
    /** {@code _IOW('R', 0x03, int[2])}. */
    private static final long RNDADDENTROPY = 0x40085203L;
    /** {@code _IO('R', 0x07)}. */
    private static final long RNDRESEEDCRNG = 0x5207L;
    private static final int O_WRONLY = 1;
    private static final int O_CLOEXEC = 0x80000;

    private interface C extends Library {
        C INSTANCE = Native.load("c", C.class);

        int open(String path, int flags) throws LastErrorException;

        int ioctl(int fd, NativeLong request, Pointer arg) throws LastErrorException;

        int close(int fd) throws LastErrorException;
    }

    private RandomPool() {
    }

    static void reseed(byte[] seed) {
        int fd = C.INSTANCE.open("/dev/random", O_WRONLY | O_CLOEXEC);
        try {
            // struct rand_pool_info { int entropy_count; int buf_size; __u32 buf[]; }
            Memory info = new Memory(8L + seed.length + 4);
            info.clear();
            info.setInt(0, seed.length * 8);
            info.setInt(4, seed.length);
            info.write(8, seed, 0, seed.length);
            C.INSTANCE.ioctl(fd, new NativeLong(RNDADDENTROPY), info);
            C.INSTANCE.ioctl(fd, new NativeLong(RNDRESEEDCRNG), Pointer.NULL);
        } finally {
            C.INSTANCE.close(fd);
        }
    }
}
