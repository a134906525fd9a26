/**
 * How the host reaches the agent's gRPC services: the virtio-serial port {@code agent.channel.0}
 * ({@link dev.jkata.agent.server.VirtioPort}), a yamux server session on it
 * ({@link dev.jkata.agent.server.YamuxAgentServer}), and one gRPC (HTTP/2) connection per yamux stream,
 * bridged into an in-JVM gRPC server on Netty's local transport
 * ({@link dev.jkata.agent.server.GrpcConnectionServer}): no socket, no native library.
 */
package dev.jkata.agent.server;
