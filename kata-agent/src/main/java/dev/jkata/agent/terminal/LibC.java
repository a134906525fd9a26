package dev.jkata.agent.terminal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;

/** The C library calls the terminal support needs; each failure is a {@link LastErrorException} with errno. */
interface LibC extends Library {
    LibC INSTANCE = Native.load("c", LibC.class);

    int AF_UNIX = 1;
    int SOCK_STREAM = 1;
    int SOCK_CLOEXEC = 0x80000;
    int SOL_SOCKET = 1;
    int SCM_RIGHTS = 1;
    int MSG_CMSG_CLOEXEC = 0x40000000;
    short POLLIN = 0x1;
    int O_RDWR = 0x2;
    int O_NOCTTY = 0x100;
    int O_CLOEXEC = 0x80000;
    int EINTR = 4;
    int EAGAIN = 11;
    int EIO = 5;
    long TIOCSWINSZ = 0x5414;
    long TIOCGWINSZ = 0x5413;

    int socket(int domain, int type, int protocol) throws LastErrorException;

    int bind(int fd, Pointer addr, int len) throws LastErrorException;

    int listen(int fd, int backlog) throws LastErrorException;

    int accept4(int fd, Pointer addr, Pointer len, int flags) throws LastErrorException;

    int connect(int fd, Pointer addr, int len) throws LastErrorException;

    NativeLong recvmsg(int fd, Pointer msg, int flags) throws LastErrorException;

    NativeLong sendmsg(int fd, Pointer msg, int flags) throws LastErrorException;

    int poll(Pointer fds, NativeLong nfds, int timeoutMs) throws LastErrorException;

    NativeLong read(int fd, byte[] buf, NativeLong count) throws LastErrorException;

    NativeLong write(int fd, byte[] buf, NativeLong count) throws LastErrorException;

    int ioctl(int fd, NativeLong request, Pointer arg) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int posix_openpt(int flags) throws LastErrorException;

    int grantpt(int fd) throws LastErrorException;

    int unlockpt(int fd) throws LastErrorException;

    int ptsname_r(int fd, byte[] buf, NativeLong len) throws LastErrorException;
}
