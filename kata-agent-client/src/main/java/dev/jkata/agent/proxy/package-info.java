/**
 * The proxy between local UNIX sockets and yamux streams, in kata-proxy's manner: one yamux session per
 * VM, one stream per socket connection, bytes pumped both ways.
 *
 * <p>On the host, {@link dev.jkata.agent.proxy.YamuxProxy} listens on a socket path and turns each
 * connection (one gRPC/HTTP-2 connection) into a new stream. In the guest,
 * {@link dev.jkata.agent.proxy.YamuxForwarder} accepts the streams and connects each to the agent's
 * gRPC server socket. {@link dev.jkata.agent.proxy.StreamBridge} is the pump both use.
 */
package dev.jkata.agent.proxy;
