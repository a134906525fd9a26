package dev.jkata.core.guest;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

/** Ways a {@link Guest} hands its sandbox a channel to the agent. */
public final class AgentChannels {
    private AgentChannels() {}

    /**
     * Connects to a UNIX socket that leads to the agent (QEMU's virtio-serial chardev listens on one).
     *
     * @throws KataException (AGENT_FAILED) when nothing accepts the connection there
     */
    public static ByteChannel unixSocket(Path socket) {
        try {
            return SocketChannel.open(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            throw new KataException(KataErrorReason.AGENT_FAILED, "cannot connect to the agent socket " + socket
                    + ": " + e.getMessage(), e);
        }
    }
}
