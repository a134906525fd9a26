package dev.jkata.core.network;

import dev.jkata.agent.protocol.forward.ForwardReply;
import dev.jkata.agent.protocol.forward.ForwardRequest;
import dev.jkata.agent.protocol.forward.Splice;
import dev.jkata.agent.protocol.yamux.YamuxStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes the connections the guest asks the host to make: each stream's request is checked against the policy, then
 * connected from the host and spliced, or refused, counted and logged at DEBUG with its destination. Under NAT, or
 * with no network, the policy is empty and every request is refused.
 */
final class EgressGateway {
    private static final Logger LOG = LoggerFactory.getLogger(EgressGateway.class);
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
    private static final int CONNECT_TIMEOUT_MS = 5_000;
    static final int MAX_CONNECTIONS = 256;

    private final EgressPolicy policy;
    private final String sandboxId;
    private final AtomicLong refused = new AtomicLong();
    private final AtomicInteger active = new AtomicInteger();
    private final Set<Splice> splices = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    EgressGateway(EgressPolicy policy, String sandboxId) {
        this.policy = policy;
        this.sandboxId = sandboxId;
    }

    /** Handles one stream the guest opened; returns once it is spliced or refused. */
    void handle(YamuxStream stream) {
        ForwardRequest req;
        try {
            req = ForwardRequest.read(stream, REQUEST_TIMEOUT);
        } catch (IOException e) {
            LOG.debug("Sandbox {}: a malformed forwarding request: {}", sandboxId, e.getMessage());
            stream.reset();
            return;
        }
        Optional<InetSocketAddress> target = req.verb() == ForwardRequest.Verb.CONNECT
                ? policy.target(req.address(), req.port()) : Optional.empty();
        if (target.isEmpty()) {
            refused.incrementAndGet();
            LOG.debug("Sandbox {}: refused a connection to {}:{} (not in the network's allow-list)", sandboxId,
                    req.address(), req.port());
            ForwardReply.refuse(stream, "refused by the sandbox's network policy");
            return;
        }
        if (closed || active.incrementAndGet() > MAX_CONNECTIONS) {
            if (!closed) {
                active.decrementAndGet();
            }
            ForwardReply.refuse(stream, "too many connections");
            return;
        }
        Socket s = new Socket();
        try {
            s.connect(target.get(), CONNECT_TIMEOUT_MS);
            ForwardReply.ok().write(stream.getOutputStream());
        } catch (IOException | RuntimeException e) {
            active.decrementAndGet();
            try {
                s.close();
            } catch (IOException ignored) {
                // never connected
            }
            LOG.debug("Sandbox {}: cannot connect to {}: {}", sandboxId, target.get(), e.getMessage());
            ForwardReply.refuse(stream, "cannot connect: " + e.getMessage());
            return;
        }
        Splice splice = Splice.of(s, stream, "kata-egress-" + req.port(), done -> {
            splices.remove(done);
            active.decrementAndGet();
        });
        splices.add(splice);
        splice.start();
        if (closed) {
            splice.abort();
        }
    }


    /** Connections refused so far. */
    long refused() { return refused.get(); }

    /** Connections carried now. */
    int active() { return Math.max(0, active.get()); }

    void close() {
        closed = true;
        splices.forEach(Splice::abort);
    }
}
