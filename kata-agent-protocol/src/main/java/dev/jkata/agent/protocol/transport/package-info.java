/**
 * gRPC over yamux inside one JVM: {@link dev.jkata.agent.protocol.transport.ChannelBridge} joins a yamux stream to a Netty
 * channel, and {@link dev.jkata.agent.protocol.transport.YamuxConnector} is the in-JVM address the host's gRPC channel
 * dials, one yamux stream per HTTP/2 connection. The guest's agent server bridges its accepted streams with the
 * same class.
 */
package dev.jkata.agent.protocol.transport;
