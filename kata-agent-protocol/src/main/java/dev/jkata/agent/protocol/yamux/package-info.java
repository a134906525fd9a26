/**
 * Yamux, HashiCorp's stream multiplexer, in both roles: many ordered, flow-controlled byte streams over
 * one byte transport (a UNIX socket on the host, the virtio-serial port in the guest). The host is the
 * client (odd stream ids), the guest agent the server (even ids).
 *
 * <p>The peer is untrusted. Every frame is bounded before it is read, each stream buffers at most the
 * window it advertised, no thread blocks without a deadline unless the caller asked for it, and a peer
 * that breaks the protocol gets a go-away and a closed session, reported to every waiting thread as a
 * {@link dev.jkata.agent.protocol.yamux.YamuxProtocolException}.
 *
 * <p>Entry points: {@link dev.jkata.agent.protocol.yamux.YamuxSession#client} / {@link dev.jkata.agent.protocol.yamux.YamuxSession#server},
 * configured by {@link dev.jkata.agent.protocol.yamux.YamuxConfig}.
 *
 * <p>Errors have their own root, {@link dev.jkata.agent.protocol.yamux.YamuxException} (unchecked), with a subclass
 * for each way a session or stream fails, deadlines included ({@link dev.jkata.agent.protocol.yamux.YamuxTimeoutException});
 * this module knows nothing of the user API, and the host's agent client maps them to its exceptions once.
 */
package dev.jkata.agent.protocol.yamux;
