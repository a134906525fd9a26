package dev.jkata.core.network;

import dev.jkata.core.channel.DataChannel;
import dev.jkata.agent.protocol.forward.ForwardRequest;
import dev.jkata.agent.protocol.forward.Splice;
import dev.jkata.agent.protocol.yamux.YamuxStream;
import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.api.PublishedPort;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's listening sockets for a sandbox's published ports. They are bound before the VM boots (a port in use
 * fails the start at once), take connections once the forwarding channel is up, and carry each to the guest's
 * loopback on its own stream. Closing frees every port at once.
 *
 * <p>At most {@value #MAX_CONNECTIONS} connections are carried at once per sandbox, over all its ports (each costs
 * two splice threads and up to a yamux window of buffered bytes); past that a new connection is closed at once and
 * said at WARN once a minute. A client or a guest that holds connections open cannot exhaust the host's threads.
 */
final class PublishedPorts {
    private static final Logger LOG = LoggerFactory.getLogger(PublishedPorts.class);
    private static final String GUEST_LOOPBACK = "127.0.0.1";

    private final Map<Integer, ServerSocket> byGuestPort;
    private final String sandboxId;
    private final Set<Splice> splices = ConcurrentHashMap.newKeySet();
    /** Connections carried at once, per sandbox. */
    static final int MAX_CONNECTIONS = 128;
    private final java.util.concurrent.Semaphore slots = new java.util.concurrent.Semaphore(MAX_CONNECTIONS);
    private final java.util.concurrent.atomic.AtomicLong refused = new java.util.concurrent.atomic.AtomicLong();
    private volatile long refusalSaidAt;
    private final List<Thread> acceptors = new ArrayList<>();

    private PublishedPorts(Map<Integer, ServerSocket> byGuestPort, String sandboxId) {
        this.byGuestPort = byGuestPort;
        this.sandboxId = sandboxId;
    }

    static PublishedPorts bind(List<PublishedPort> ports, String sandboxId) {
        Map<Integer, ServerSocket> bound = new LinkedHashMap<>();
        PublishedPorts pp = new PublishedPorts(bound, sandboxId);
        try {
            for (PublishedPort p : ports) {
                ServerSocket ss = new ServerSocket();
                bound.put(p.guestPort(), ss);
                ss.setReuseAddress(true);
                try {
                    ss.bind(new InetSocketAddress(p.hostAddress(), p.hostPort()), 128);
                } catch (IOException e) {
                    throw new KataException(KataErrorReason.NETWORK_FAILED, "publish: cannot listen on " + p.hostAddress()
                            + ":" + p.hostPort() + " for guest port " + p.guestPort() + " (" + e.getMessage() + "); "
                            + (p.hostPort() == 0 ? "check the address" : "the port is in use: publish another, or 0 for any free one"),
                            sandboxId, e);
                }
            }
            return pp;
        } catch (IOException e) {
            pp.close();
            throw new KataException(KataErrorReason.IO, "cannot open a socket: " + e.getMessage(), sandboxId, e);
        } catch (RuntimeException e) {
            pp.close();
            throw e;
        }
    }

    InetSocketAddress address(int guestPort) {
        ServerSocket ss = byGuestPort.get(guestPort);
        if (ss == null) {
            throw new InvalidConfigurationException("guestPort", "port " + guestPort + " is not published; publish("
                    + guestPort + ") when building the sandbox" + (byGuestPort.isEmpty() ? "" : " (published: " + byGuestPort.keySet() + ")"));
        }
        return (InetSocketAddress) ss.getLocalSocketAddress();
    }

    boolean isEmpty() { return byGuestPort.isEmpty(); }

    /** Starts taking connections: each goes to the guest over {@code channel}. */
    void start(DataChannel channel) {
        byGuestPort.forEach((guestPort, ss) -> {
            Thread t = new Thread(() -> acceptLoop(channel, guestPort, ss), "kata-publish-" + sandboxId + "-" + guestPort);
            t.setDaemon(true);
            acceptors.add(t);
            t.start();
        });
    }

    private void acceptLoop(DataChannel channel, int guestPort, ServerSocket ss) {
        while (!ss.isClosed()) {
            Socket s;
            try {
                s = ss.accept();
            } catch (IOException e) {
                return;
            }
            if (!slots.tryAcquire()) {
                refuse(s, guestPort);
                continue;
            }
            Thread t = new Thread(() -> toGuest(channel, guestPort, s), "kata-publish-" + guestPort);
            t.setDaemon(true);
            t.start();
        }
    }

    private void refuse(Socket s, int guestPort) {
        long n = refused.incrementAndGet();
        try {
            s.close();
        } catch (IOException ignored) {
            // the client sees the connection end
        }
        long now = System.nanoTime();
        if (now - refusalSaidAt > 60_000_000_000L || n == 1) {
            refusalSaidAt = now;
            LOG.warn("Sandbox {}: a connection to published port {} was refused: {} are carried already, the most at"
                    + " once ({} refused so far)", sandboxId, guestPort, MAX_CONNECTIONS, n);
        }
    }

    /** Connections refused over the cap so far. */
    long refused() { return refused.get(); }

    private void toGuest(DataChannel channel, int guestPort, Socket s) {
        YamuxStream stream;
        try {
            stream = channel.open(ForwardRequest.connect(GUEST_LOOPBACK, guestPort));
        } catch (IOException | RuntimeException e) {
            slots.release();
            LOG.debug("Sandbox {}: a connection to published port {} found nothing in the guest: {}", sandboxId,
                    guestPort, e.getMessage());
            try {
                s.close();
            } catch (IOException ignored) {
                // the client sees the connection end
            }
            return;
        }
        Splice splice = Splice.of(s, stream, "kata-publish-" + guestPort, done -> {
            if (splices.remove(done)) {
                slots.release();
            }
        });
        splices.add(splice);
        splice.start();
    }

    /** Connections carried now. */
    int active() { return splices.size(); }

    void close() {
        for (ServerSocket ss : byGuestPort.values()) {
            try {
                ss.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        splices.forEach(Splice::abort);
        for (Thread t : acceptors) {
            try {
                t.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
