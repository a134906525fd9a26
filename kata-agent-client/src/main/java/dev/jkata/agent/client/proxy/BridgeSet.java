package dev.jkata.agent.client.proxy;

import dev.jkata.agent.protocol.yamux.YamuxStream;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;

/** The live bridges of a proxy or forwarder: each removes itself when done; {@link #closeAll()} aborts the rest. */
final class BridgeSet {
    private final Set<SocketBridge> bridges = ConcurrentHashMap.newKeySet();

    /** Bridges {@code stream} and {@code socket}; aborts the bridge at once when {@code closed} already says so. */
    void bridge(YamuxStream stream, SocketChannel socket, String name, BooleanSupplier closed) {
        SocketBridge bridge = SocketBridge.start(stream, socket, name, bridges::remove);
        bridges.add(bridge);
        if (bridge.isDone() || closed.getAsBoolean()) {
            bridges.remove(bridge);
            bridge.close();
        }
    }

    int size() { return bridges.size(); }

    void closeAll() {
        for (SocketBridge b : bridges) {
            b.close();
        }
        bridges.clear();
    }
}
