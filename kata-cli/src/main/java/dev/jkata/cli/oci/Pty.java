package dev.jkata.cli.oci;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLong;
import com.sun.jna.Pointer;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A host pseudo-terminal for {@code --console-socket}: its master goes to the engine over that socket
 * ({@code SCM_RIGHTS}, as runc sends it), and the side kept here, in raw mode (the guest's terminal does the line
 * discipline), carries the container's terminal. The engine sets the window size on its master; {@link #size()}
 * reads it back.
 */
final class Pty implements AutoCloseable {
    private interface C extends Library {
        C INSTANCE = Native.load("c", C.class);
        int O_RDWR = 0x2;
        int O_NOCTTY = 0x100;
        int O_CLOEXEC = 0x80000;
        int AF_UNIX = 1;
        int SOCK_STREAM = 1;
        int SOCK_CLOEXEC = 0x80000;
        int SOL_SOCKET = 1;
        int SCM_RIGHTS = 1;
        long TIOCGWINSZ = 0x5413;
        int TCSANOW = 0;

        int posix_openpt(int flags) throws LastErrorException;
        int grantpt(int fd) throws LastErrorException;
        int unlockpt(int fd) throws LastErrorException;
        int ptsname_r(int fd, byte[] buf, NativeLong len) throws LastErrorException;
        int open(String path, int flags) throws LastErrorException;
        int close(int fd) throws LastErrorException;
        int socket(int domain, int type, int protocol) throws LastErrorException;
        int connect(int fd, Pointer addr, int len) throws LastErrorException;
        NativeLong sendmsg(int fd, Pointer msg, int flags) throws LastErrorException;
        int ioctl(int fd, NativeLong request, Pointer arg) throws LastErrorException;
        int tcgetattr(int fd, Pointer termios) throws LastErrorException;
        int tcsetattr(int fd, int action, Pointer termios) throws LastErrorException;
        void cfmakeraw(Pointer termios);
    }

    private int master;
    private final int slave;
    private final Path slavePath;

    private Pty(int master, int slave, Path slavePath) {
        this.master = master;
        this.slave = slave;
        this.slavePath = slavePath;
    }

    /**
     * For a process with a terminal, a new one whose master the engine gets on {@code consoleSocket} during create,
     * as runc hands it over; null for a process without one.
     */
    static Pty forEngine(OciProcess process, java.util.Optional<java.nio.file.Path> consoleSocket) {
        if (!process.terminal()) {
            return null;
        }
        Pty pty = open();
        pty.sendMaster(consoleSocket.orElseThrow(() -> new RuntimeFailure("process.terminal needs --console-socket")));
        return pty;
    }

    /** A new pair, the kept side in raw mode. */
    static Pty open() {
        C c = C.INSTANCE;
        int m = -1;
        try {
            m = c.posix_openpt(C.O_RDWR | C.O_NOCTTY | C.O_CLOEXEC);
            c.grantpt(m);
            c.unlockpt(m);
            byte[] name = new byte[128];
            c.ptsname_r(m, name, new NativeLong(name.length));
            int len = 0;
            while (len < name.length && name[len] != 0) {
                len++;
            }
            Path path = Path.of(new String(name, 0, len, StandardCharsets.US_ASCII));
            int s = c.open(path.toString(), C.O_RDWR | C.O_NOCTTY | C.O_CLOEXEC);
            Memory termios = new Memory(128);
            c.tcgetattr(s, termios);
            c.cfmakeraw(termios);
            c.tcsetattr(s, C.TCSANOW, termios);
            return new Pty(m, s, path);
        } catch (LastErrorException e) {
            if (m >= 0) {
                c.close(m);
            }
            throw new RuntimeFailure("cannot open a pseudo-terminal: errno " + e.getErrorCode());
        }
    }

    /** The kept side's path, e.g. {@code /dev/pts/3}, for another process of ours to open. */
    Path slavePath() {
        return slavePath;
    }

    /**
     * Connects to {@code socket}, sends the master (with the terminal's name as the message, as runc does), then
     * closes it here: the engine holds it from now on.
     */
    void sendMaster(Path socket) {
        C c = C.INSTANCE;
        byte[] path = socket.toAbsolutePath().toString().getBytes(StandardCharsets.UTF_8);
        if (path.length >= 108) {
            throw new RuntimeFailure("--console-socket " + socket + " is longer than a UNIX socket path may be");
        }
        int fd = -1;
        try {
            fd = c.socket(C.AF_UNIX, C.SOCK_STREAM | C.SOCK_CLOEXEC, 0);
            Memory addr = new Memory(110);
            addr.clear();
            addr.setShort(0, (short) C.AF_UNIX);
            addr.write(2, path, 0, path.length);
            c.connect(fd, addr, 110);
            byte[] name = slavePath.toString().getBytes(StandardCharsets.UTF_8);
            Memory data = new Memory(name.length);
            data.write(0, name, 0, name.length);
            Memory iov = new Memory(16);
            iov.setPointer(0, data);
            iov.setLong(8, name.length);
            Memory control = new Memory(24); // CMSG_SPACE(sizeof(int))
            control.clear();
            control.setLong(0, 20); // CMSG_LEN(sizeof(int))
            control.setInt(8, C.SOL_SOCKET);
            control.setInt(12, C.SCM_RIGHTS);
            control.setInt(16, master);
            Memory msg = new Memory(56); // struct msghdr
            msg.clear();
            msg.setPointer(16, iov);
            msg.setLong(24, 1);
            msg.setPointer(32, control);
            msg.setLong(40, 24);
            c.sendmsg(fd, msg, 0);
        } catch (LastErrorException e) {
            throw new RuntimeFailure("cannot send the terminal to --console-socket " + socket + ": errno " + e.getErrorCode());
        } finally {
            if (fd >= 0) {
                c.close(fd);
            }
            c.close(master);
            master = -1;
        }
    }

    /** Streams over the kept side (opened again by path, so Java owns their descriptors). */
    InputStream in() throws IOException {
        return new FileInputStream(slavePath.toFile());
    }

    OutputStream out() throws IOException {
        return new FileOutputStream(slavePath.toFile());
    }

    /** The window size the engine set, as (columns, rows), or empty while it has set none. */
    Optional<int[]> size() {
        return size(slave);
    }

    static Optional<int[]> size(int fd) {
        Memory ws = new Memory(8);
        ws.clear();
        try {
            C.INSTANCE.ioctl(fd, new NativeLong(C.TIOCGWINSZ), ws);
        } catch (LastErrorException e) {
            return Optional.empty();
        }
        int rows = ws.getShort(0) & 0xFFFF;
        int cols = ws.getShort(2) & 0xFFFF;
        return rows > 0 && cols > 0 ? Optional.of(new int[] {cols, rows}) : Optional.empty();
    }

    /** Opens a terminal by path for its window size, e.g. in the process that outlives a detached exec. */
    static int openForSize(Path path) {
        return C.INSTANCE.open(path.toString(), C.O_RDWR | C.O_NOCTTY | C.O_CLOEXEC);
    }

    @Override
    public void close() {
        if (master >= 0) {
            C.INSTANCE.close(master);
            master = -1;
        }
        C.INSTANCE.close(slave);
    }
}
