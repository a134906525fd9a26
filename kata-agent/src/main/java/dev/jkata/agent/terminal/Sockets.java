package dev.jkata.agent.terminal;

import com.sun.jna.Memory;
import com.sun.jna.NativeLong;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The native structures of UNIX-domain sockets with file descriptor passing, for LP64 Linux: a
 * {@code sockaddr_un}, and a {@code msghdr} with one {@code iovec} and room for one {@code SCM_RIGHTS} fd.
 */
final class Sockets {
    static final int SOCKADDR_UN_SIZE = 110;
    private static final int MSGHDR_SIZE = 56;
    private static final int CMSG_SPACE_ONE_FD = 24;
    private static final int CMSG_LEN_ONE_FD = 20;

    private Sockets() {}

    /** A {@code sockaddr_un} for {@code path}. */
    static Memory address(Path path) throws IOException {
        byte[] p = path.toString().getBytes(StandardCharsets.UTF_8);
        if (p.length >= SOCKADDR_UN_SIZE - 2) {
            throw new IOException("socket path too long (" + p.length + " bytes): " + path);
        }
        Memory addr = new Memory(SOCKADDR_UN_SIZE);
        addr.clear();
        addr.setShort(0, (short) LibC.AF_UNIX);
        addr.write(2, p, 0, p.length);
        return addr;
    }

    /** A message of {@code data} bytes of payload and room for one passed descriptor. */
    static final class Message {
        final Memory header = new Memory(MSGHDR_SIZE);
        final Memory iov = new Memory(16);
        final Memory data;
        final Memory control = new Memory(CMSG_SPACE_ONE_FD);

        Message(int dataSize) {
            data = new Memory(Math.max(1, dataSize));
            header.clear();
            control.clear();
            iov.setPointer(0, data);
            iov.setLong(8, data.size());
            header.setPointer(16, iov);
            header.setLong(24, 1);
            header.setPointer(32, control);
            header.setLong(40, CMSG_SPACE_ONE_FD);
        }

        /** Fills the control part with one {@code SCM_RIGHTS} descriptor, for sending. */
        void passDescriptor(int fd) {
            control.setLong(0, CMSG_LEN_ONE_FD);
            control.setInt(8, LibC.SOL_SOCKET);
            control.setInt(12, LibC.SCM_RIGHTS);
            control.setInt(16, fd);
        }

        /** The descriptor a received message carried, or -1. */
        int receivedDescriptor() {
            long controlLen = header.getLong(40);
            if (controlLen < CMSG_LEN_ONE_FD) {
                return -1;
            }
            if (control.getInt(8) != LibC.SOL_SOCKET || control.getInt(12) != LibC.SCM_RIGHTS) {
                return -1;
            }
            return control.getInt(16);
        }

        NativeLong dataLength() { return new NativeLong(data.size()); }
    }
}
