package dev.jkata.agent.system;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import java.time.Instant;

/**
 * Sets the guest's wall clock to the nanosecond the host sent ({@code clock_settime(CLOCK_REALTIME)}): a clone wakes
 * with its template's clock, and busybox {@code date -s} keeps whole seconds only, so files written through a share
 * would look up to a second off.
 */
final class SystemClock {
    private static final int CLOCK_REALTIME = 0;

    private interface C extends Library {
        /** {@code ts} is a {@code struct timespec} on a 64-bit Linux: seconds, then nanoseconds. */
        int clock_settime(int clock, long[] ts) throws LastErrorException;
    }

    private SystemClock() {
    }

    /**
     * Sets the clock to {@code time}.
     *
     * @throws LastErrorException with errno when the kernel refuses (no CAP_SYS_TIME)
     * @throws UnsatisfiedLinkError when there is no C library to call
     */
    static void set(Instant time) {
        Lib.C.clock_settime(CLOCK_REALTIME, new long[] {time.getEpochSecond(), time.getNano()});
    }

    /** Loaded on first use: a guest OS that never sets the clock never loads the C library. */
    private static final class Lib {
        static final C C = Native.load("c", SystemClock.C.class);
    }
}
