package dev.jkata.agent.terminal;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.NativeLong;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The OCI runtime's half of a console socket, for runtimes that are not crun (the fakes): open a pty pair and
 * send its master over the socket the agent listens on, as crun does for {@code terminal=true}.
 */
public final class RuntimeConsole {
    private RuntimeConsole() {}

    /** A pty pair: the master's descriptor and the slave's path. */
    public record PtyPair(int master, Path slave) {}

    public static PtyPair openPty() throws IOException {
        LibC c = LibC.INSTANCE;
        try {
            int master = c.posix_openpt(LibC.O_RDWR | LibC.O_NOCTTY | LibC.O_CLOEXEC);
            c.grantpt(master);
            c.unlockpt(master);
            byte[] name = new byte[128];
            c.ptsname_r(master, name, new NativeLong(name.length));
            int len = 0;
            while (len < name.length && name[len] != 0) {
                len++;
            }
            return new PtyPair(master, Path.of(new String(name, 0, len, StandardCharsets.US_ASCII)));
        } catch (LastErrorException e) {
            throw new IOException("cannot open a pty: errno " + e.getErrorCode(), e);
        }
    }

    /** Connects to {@code socket} and sends {@code fd} with one byte of payload, as crun does. */
    public static void sendDescriptor(Path socket, int fd) throws IOException {
        LibC c = LibC.INSTANCE;
        int s = c.socket(LibC.AF_UNIX, LibC.SOCK_STREAM | LibC.SOCK_CLOEXEC, 0);
        try {
            Memory addr = Sockets.address(socket);
            c.connect(s, addr, Sockets.SOCKADDR_UN_SIZE);
            Sockets.Message msg = new Sockets.Message(1);
            msg.data.setByte(0, (byte) 'x');
            msg.passDescriptor(fd);
            c.sendmsg(s, msg.header, 0);
        } catch (LastErrorException e) {
            throw new IOException("cannot send a descriptor over " + socket + ": errno " + e.getErrorCode(), e);
        } finally {
            c.close(s);
        }
    }

    /** Closes a descriptor. */
    public static void close(int fd) {
        LibC.INSTANCE.close(fd);
    }
}
