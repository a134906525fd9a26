/**
 * A sandbox's network on the host side: the NAT device or the allow-list ({@link dev.jkata.api.Network}), the
 * published ports, and the forwarding channel both travel on. Everything that can fail for a reason on the host
 * (a host port in use, a name that does not resolve) fails in {@link dev.jkata.core.network.SandboxNetwork#prepare}
 * before a VM boots; the allow-list is enforced here, on the host, for every connection the guest asks for.
 */
package dev.jkata.core.network;
