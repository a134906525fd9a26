/**
 * The guest's network: its interfaces and routes as the host's UpdateInterface and UpdateRoutes set them (busybox
 * {@code ip}), the resolver file CreateSandbox's dns names, and the forwarding port that carries published ports
 * and an allow-listed network's connections to and from the host.
 */
package dev.jkata.agent.network;
