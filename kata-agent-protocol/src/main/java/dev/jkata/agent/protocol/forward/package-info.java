/**
 * TCP connections carried on yamux streams, host and guest alike: published ports (the host opens a stream, the
 * agent connects inside the guest) and the egress of an allow-listed network (the agent takes a guest connection,
 * opens a stream, the host checks the destination and connects).
 *
 * <p>These streams travel on a virtio-serial port of their own ({@value ForwardRequest#PORT_NAME}), never on the
 * agent's Kata 1.x channel, whose every stream is a gRPC connection. Each stream starts with one request line and
 * one reply line ({@link ForwardRequest}, {@link ForwardReply}); then it carries the connection's bytes, each
 * direction half-closed on its own ({@link Splice}).
 */
package dev.jkata.agent.protocol.forward;
