package dev.jkata.qemu.accel;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import java.nio.file.Path;

/**
 * Asks the real {@code /dev/kvm} for its API version ({@code KVM_GET_API_VERSION}, must be 12) and to create
 * a VM ({@code KVM_CREATE_VM}), through libc via JNA. Every descriptor it opens is closed before it returns.
 */
final class LinuxKvmCheck implements KvmCheck {
    static final long KVM_GET_API_VERSION = 0xAE00L;
    static final long KVM_CREATE_VM = 0xAE01L;
    static final int KVM_API_VERSION = 12;

    private static final int O_RDWR = 02;
    private static final int O_CLOEXEC = 02000000;

    private final Path device;

    LinuxKvmCheck(Path device) {
        this.device = device;
    }

    /** The three libc calls the check needs. */
    interface LibC extends Library {
        int open(String path, int flags);

        int ioctl(int fd, NativeLong request, NativeLong arg);

        int close(int fd);

        String strerror(int errnum);
    }

    @Override
    public KvmCheckResult check() {
        LibC libc;
        try {
            libc = Native.load("c", LibC.class);
        } catch (UnsatisfiedLinkError | RuntimeException e) {
            return KvmCheckResult.unusable("cannot load libc through JNA to talk to " + device + ": " + e.getMessage());
        }
        int fd = libc.open(device.toString(), O_RDWR | O_CLOEXEC);
        if (fd < 0) {
            return KvmCheckResult.unusable("open " + device + " failed: " + errno(libc));
        }
        try {
            int version = libc.ioctl(fd, new NativeLong(KVM_GET_API_VERSION), new NativeLong(0));
            if (version < 0) {
                return KvmCheckResult.unusable("KVM_GET_API_VERSION on " + device + " failed: " + errno(libc));
            }
            if (version != KVM_API_VERSION) {
                return KvmCheckResult.unusable("KVM_GET_API_VERSION on " + device + " returned " + version
                        + ", expected " + KVM_API_VERSION);
            }
            int vm = libc.ioctl(fd, new NativeLong(KVM_CREATE_VM), new NativeLong(0));
            if (vm < 0) {
                return KvmCheckResult.unusable("KVM_CREATE_VM on " + device + " failed: " + errno(libc));
            }
            libc.close(vm);
            return KvmCheckResult.usable(device + " answers API version 12 and creates VMs");
        } finally {
            libc.close(fd);
        }
    }

    private static String errno(LibC libc) {
        int errno = Native.getLastError();
        String text;
        try {
            text = libc.strerror(errno);
        } catch (RuntimeException e) {
            text = null;
        }
        return "errno " + errno + (text == null ? "" : " (" + text + ")");
    }
}
