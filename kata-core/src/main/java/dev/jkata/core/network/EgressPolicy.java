package dev.jkata.core.network;

import dev.jkata.agent.protocol.forward.ForwardRequest;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.api.Network;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An allow-list resolved on the host: which guest addresses and ports lead where. A name is resolved once, when the
 * sandbox starts, to its IPv4 addresses; the guest's /etc/hosts gets them. The host's loopback ({@code 127.0.0.1},
 * {@code localhost}, {@value Network#HOST_NAME}) appears to the guest as {@value Network#HOST_ADDRESS}, as it does
 * under NAT. Every connection the guest asks for is checked by {@link #target}; the guest cannot add to the list.
 */
final class EgressPolicy {
    private static final int LOOPBACK_GUEST = ipv4(Network.HOST_ADDRESS);

    /** One rule: guest addresses {@code guestNet/prefix} on {@code port}; {@code host} when the host dials elsewhere. */
    record Rule(int guestNet, int prefix, int port, Optional<String> host) {
        boolean matches(int address, int p) {
            return p == port && (prefix == 0 || (address ^ guestNet) >>> (32 - prefix) == 0);
        }
    }

    private final List<Rule> rules;
    private final List<String> hostsLines;

    private EgressPolicy(List<Rule> rules, List<String> hostsLines) {
        this.rules = List.copyOf(rules);
        this.hostsLines = List.copyOf(hostsLines);
    }

    /** Resolves {@code network}'s allow-list; an empty policy for an unrestricted network. */
    static EgressPolicy resolve(Network network, String sandboxId) {
        return resolve(network, sandboxId, EgressPolicy::lookUp);
    }

    /** As above, names resolved by {@code resolver} (the host's DNS in use; a table in tests). */
    static EgressPolicy resolve(Network network, String sandboxId,
                                java.util.function.BiFunction<Network.Destination, String, List<String>> resolver) {
        List<Rule> rules = new ArrayList<>();
        Set<String> hosts = new LinkedHashSet<>();
        for (Network.Destination d : network.allowed()) {
            if (d.isAddress()) {
                int a = ipv4(d.host());
                if (d.prefixLength() < 32) {
                    if (d.prefixLength() < 8 || (a >>> 24) == 127) {
                        throw new KataException(KataErrorReason.NETWORK_FAILED, "network: " + d + " is too wide or the"
                                + " loopback network; allow networks of /8 or narrower, and the host's loopback as 127.0.0.1:PORT",
                                sandboxId, null);
                    }
                    refuseUnroutable(a, d.prefixLength(), d.toString(), sandboxId);
                    int mask = -1 << (32 - d.prefixLength());
                    rules.add(new Rule(a & mask, d.prefixLength(), d.port(), Optional.empty()));
                } else {
                    refuseUnroutable(a, 32, d.toString(), sandboxId);
                    rules.add(rule(d.host(), d.port()));
                }
                continue;
            }
            boolean loopbackName = d.host().equals(Network.HOST_NAME) || d.host().equals("localhost");
            List<String> addresses = d.host().equals(Network.HOST_NAME) ? List.of("127.0.0.1") : resolver.apply(d, sandboxId);
            for (String a : addresses) {
                int ip = ipv4(a);
                if (!loopbackName && (ip >>> 24) == 127) {
                    // only the literals name the host's loopback: a name that resolves there is a sink-hole or a trick
                    throw new KataException(KataErrorReason.NETWORK_FAILED, "network: the allowed host " + d.host()
                            + " resolves to " + a + ", the host's own loopback; allow " + Network.HOST_NAME + ":" + d.port()
                            + " or 127.0.0.1:" + d.port() + " if the host is meant", sandboxId, null);
                }
                refuseUnroutable(ip, 32, d.host() + " (" + a + ")", sandboxId);
                Rule r = rule(a, d.port());
                rules.add(r);
                if (!d.host().equals("localhost")) { // the guest's localhost stays its own
                    hosts.add(dotted(r.guestNet()) + "\t" + d.host());
                }
            }
        }
        return new EgressPolicy(rules, new ArrayList<>(hosts));
    }

    /**
     * Refuses destinations no allow-list may name: {@code 0.0.0.0/8} (Linux connects 0.0.0.0 to the host's loopback),
     * link-local {@code 169.254.0.0/16} (a cloud's metadata service), multicast and reserved {@code 224.0.0.0/3}.
     */
    static void refuseUnroutable(int address, int prefix, String what, String sandboxId) {
        int first = address >>> 24;
        boolean linkLocal = (address >>> 16) == ((169 << 8) | 254);
        if (first == 0 || first >= 224 || linkLocal || (prefix < 16 && first == 169)) {
            throw new KataException(KataErrorReason.NETWORK_FAILED, "network: " + what + " is "
                    + (first == 0 ? "0.0.0.0/8, which reaches the host's own loopback"
                    : linkLocal || first == 169 ? "link-local (169.254.0.0/16: a cloud's metadata service lives there)"
                    : "multicast or reserved") + "; an allow-list names routable hosts, and the host's loopback only as"
                    + " 127.0.0.1:PORT or " + Network.HOST_NAME + ":PORT", sandboxId, null);
        }
    }

    private static Rule rule(String address, int port) {
        int a = ipv4(address);
        return (a >>> 24) == 127 ? new Rule(LOOPBACK_GUEST, 32, port, Optional.of(address))
                : new Rule(a, 32, port, Optional.empty());
    }

    private static List<String> lookUp(Network.Destination d, String sandboxId) {
        List<String> out = new ArrayList<>();
        try {
            for (InetAddress a : InetAddress.getAllByName(d.host())) {
                if (a instanceof Inet4Address) {
                    out.add(a.getHostAddress());
                }
            }
        } catch (UnknownHostException e) {
            throw new KataException(KataErrorReason.NETWORK_FAILED, "network: the allowed host " + d.host()
                    + " does not resolve on this host (" + e.getMessage() + "); check the name, or allow its address", sandboxId, e);
        }
        if (out.isEmpty()) {
            throw new KataException(KataErrorReason.NETWORK_FAILED, "network: the allowed host " + d.host()
                    + " has no IPv4 address; the guest network is IPv4 only", sandboxId, null);
        }
        return out;
    }

    /** Where the host connects for a guest connection to {@code guestAddress:port}, or empty: refused. */
    Optional<InetSocketAddress> target(String guestAddress, int port) {
        int a;
        try {
            a = ipv4(guestAddress);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        for (Rule r : rules) {
            if (r.matches(a, port)) {
                return Optional.of(new InetSocketAddress(r.host().orElse(guestAddress), port));
            }
        }
        return Optional.empty();
    }

    /** The addresses the guest's loopback carries, so that connections to them stay in the guest for the agent. */
    List<String> guestAddresses() {
        Set<String> out = new LinkedHashSet<>();
        for (Rule r : rules) {
            out.add(dotted(r.guestNet()) + "/" + r.prefix());
        }
        return List.copyOf(out);
    }

    /**
     * What the agent listens on: each address and port, or the whole port on every address where a rule is a
     * network (one listener cannot take a range of addresses).
     */
    List<ForwardRequest> listens() {
        Set<Integer> wide = new LinkedHashSet<>();
        for (Rule r : rules) {
            if (r.prefix() < 32) {
                wide.add(r.port());
            }
        }
        Set<ForwardRequest> out = new LinkedHashSet<>();
        for (int p : wide) {
            out.add(ForwardRequest.listen("0.0.0.0", p));
        }
        for (Rule r : rules) {
            if (!wide.contains(r.port())) {
                out.add(ForwardRequest.listen(dotted(r.guestNet()), r.port()));
            }
        }
        return List.copyOf(out);
    }

    /** /etc/hosts lines for the allowed names, as the guest sees their addresses. */
    List<String> hostsLines() { return hostsLines; }

    List<Rule> rules() { return rules; }

    static int ipv4(String dotted) {
        String[] p = dotted.split("\\.");
        if (p.length != 4) {
            throw new IllegalArgumentException("not an IPv4 address: " + dotted);
        }
        int a = 0;
        for (String octet : p) {
            if (!octet.matches("[0-9]{1,3}") || Integer.parseInt(octet) > 255) {
                throw new IllegalArgumentException("not an IPv4 address: " + dotted);
            }
            a = a << 8 | Integer.parseInt(octet);
        }
        return a;
    }

    static String dotted(int a) {
        return (a >>> 24) + "." + (a >>> 16 & 0xff) + "." + (a >>> 8 & 0xff) + "." + (a & 0xff);
    }
}
