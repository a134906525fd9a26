/**
 * A UNIX socket to the agent for other processes, in kata-proxy's manner: {@link dev.jkata.agent.client.proxy.YamuxProxy}
 * listens on a path (mode 0600, peers of other users refused) and carries each connection over a new stream of
 * the sandbox's one yamux session; {@link dev.jkata.agent.client.proxy.SocketBridge} pumps the bytes both ways. Only on
 * request ({@code AgentClient.exposeSocket}): the host's own path to the agent stays inside its JVM
 * ({@link dev.jkata.agent.protocol.transport.YamuxConnector}).
 */
package dev.jkata.agent.client.proxy;
