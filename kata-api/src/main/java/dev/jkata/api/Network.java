package dev.jkata.api;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a sandbox's guest may reach on the network: one of four kinds, each immutable and validated when made.
 *
 * <ul>
 *   <li>{@link #none()}, the default ({@link None}): no network device; the guest has only its loopback. Published
 *       ports still work: they are carried on the host's own channel to the agent, not over a guest network.</li>
 *   <li>{@link #nat()} ({@link Nat}): user-mode NAT; the guest reaches what the host reaches, the host's own loopback
 *       at {@value #HOST_ADDRESS} ({@value #HOST_NAME}).</li>
 *   <li>{@code nat().allow("repo.example:443", "10.1.2.0/24:5432")} ({@link Restricted}): the guest reaches those
 *       destinations and no others. The guest then has no network device at all: each connection it makes to an
 *       allowed address is taken by the agent and handed to the host, which checks it against this list and
 *       connects. Names are resolved on the host when the sandbox starts; UDP, raw IP, other ports and DNS have
 *       nowhere to go.</li>
 *   <li>{@link #namespace(Path)} ({@link Namespace}): the guest joins the interfaces of an existing network
 *       namespace (one a container engine's CNI plugin, or the caller, filled with veth devices): each becomes a
 *       guest interface with that device's MAC address, addresses, MTU and routes, its traffic mirrored to and from
 *       the device by tc on the host. Needs root (or CAP_SYS_ADMIN and CAP_NET_ADMIN over that namespace).</li>
 * </ul>
 */
public sealed interface Network permits Network.None, Network.Nat, Network.Restricted, Network.Namespace {
    /** Where the guest reaches the host's own loopback, under NAT and an allow-list alike. */
    String HOST_ADDRESS = "10.0.2.2";
    /** The name the guest's /etc/hosts gives {@link #HOST_ADDRESS}. */
    String HOST_NAME = "host.kata.internal";

    /** No network device: only loopback in the guest. */
    static Network none() { return None.INSTANCE; }

    /** User-mode NAT: the guest reaches what the host reaches. */
    static Network nat() { return Nat.INSTANCE; }

    /**
     * The interfaces of the network namespace at {@code netns} (a bind-mounted namespace such as
     * {@code /run/netns/NAME}, or {@code /proc/PID/ns/net}). Whether it exists and is a network namespace is checked
     * when the sandbox starts.
     *
     * @throws InvalidConfigurationException for field {@code network} when the path is null or relative
     */
    static Network namespace(Path netns) {
        return new Namespace(netns);
    }

    /**
     * This NAT restricted to {@code destinations} (added to any allowed before): each is {@code host:port},
     * where host is a name, an IPv4 address or an IPv4 network in CIDR form ({@code 10.1.2.0/24}), and port is
     * 1 to 65535. {@code 127.0.0.1:PORT} or {@code host.kata.internal:PORT} is a port on the host's loopback.
     *
     * @throws InvalidConfigurationException for field {@code network} naming an entry that does not parse, or
     *                                       when this is not a NAT network
     */
    default Network allow(String... destinations) {
        if (!isNat()) {
            throw new InvalidConfigurationException("network", this + " allows nothing; use nat().allow(...)");
        }
        Objects.requireNonNull(destinations, "destinations");
        if (destinations.length == 0) {
            throw new InvalidConfigurationException("network", "allow() needs at least one host:port");
        }
        List<Destination> all = new ArrayList<>(allowed());
        for (String d : destinations) {
            all.add(Destination.parse(d));
        }
        return new Restricted(all);
    }

    /**
     * The network a command line or an annotation names: {@code none}, {@code nat}, or {@code ns:PATH} (podman's
     * spelling: the namespace at PATH), restricted to {@code allowed} when any are given (which only {@code nat} takes).
     */
    static Network of(String mode, String... allowed) {
        String m = mode == null ? "" : mode;
        Network n = switch (m) {
            case "none" -> none();
            case "nat" -> nat();
            default -> {
                if (m.startsWith("ns:")) {
                    yield namespace(Path.of(m.substring(3)));
                }
                throw new InvalidConfigurationException("network", "'" + mode + "' is not none, nat or ns:PATH");
            }
        };
        if (allowed.length == 0) {
            return n;
        }
        if (!n.isNat()) {
            throw new InvalidConfigurationException("network", "an allow-list needs the nat network, not " + n);
        }
        return n.allow(allowed);
    }

    /** Whether the guest has user-mode NAT (perhaps restricted to an allow-list). */
    default boolean isNat() { return this instanceof Nat || this instanceof Restricted; }

    /** Whether the guest reaches only {@link #allowed()}. */
    default boolean isRestricted() { return this instanceof Restricted; }

    /** The allowed destinations of a restricted network, in the order given; empty for every other kind. */
    default List<Destination> allowed() { return List.of(); }

    /** Only the loopback. */
    final class None implements Network {
        private static final None INSTANCE = new None();

        private None() {}

        @Override
        public String toString() { return "none"; }
    }

    /** User-mode NAT, unrestricted. */
    final class Nat implements Network {
        private static final Nat INSTANCE = new Nat();

        private Nat() {}

        @Override
        public String toString() { return "nat"; }
    }

    /**
     * NAT restricted to an allow-list: connections travel over the host's channel, never a guest network device.
     *
     * @param allowed at least one destination, in the order given
     */
    record Restricted(List<Destination> allowed) implements Network {
        public Restricted {
            allowed = List.copyOf(allowed);
            if (allowed.isEmpty()) {
                throw new InvalidConfigurationException("network", "an allow-list needs at least one host:port");
            }
        }

        @Override
        public String toString() { return "nat, allowing " + allowed; }
    }

    /**
     * The interfaces of an existing network namespace.
     *
     * @param path the namespace's file, absolute
     */
    record Namespace(Path path) implements Network {
        public Namespace {
            if (path == null || !path.isAbsolute()) {
                throw new InvalidConfigurationException("network", "a network namespace is an absolute path such as"
                        + " /run/netns/NAME or /proc/PID/ns/net, not " + path);
            }
            path = path.normalize();
        }

        @Override
        public String toString() { return "namespace " + path; }
    }

    /**
     * One allowed destination.
     *
     * @param host         a DNS name or an IPv4 address (the network's address when {@code prefixLength < 32})
     * @param prefixLength 32 for one address or a name, fewer bits for a CIDR network
     * @param port         the TCP port, 1 to 65535
     */
    public record Destination(String host, int prefixLength, int port) {
        private static final java.util.regex.Pattern IPV4 =
                java.util.regex.Pattern.compile("(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(\\.(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])){3}");
        private static final java.util.regex.Pattern NAME =
                java.util.regex.Pattern.compile("(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*");

        public Destination {
            if (host == null || !(IPV4.matcher(host).matches() || NAME.matcher(host).matches() && !host.matches("[0-9.]+"))) {
                throw new InvalidConfigurationException("network", "'" + host + "' is neither an IPv4 address nor a host name");
            }
            if (prefixLength < 0 || prefixLength > 32 || prefixLength < 32 && !IPV4.matcher(host).matches()) {
                throw new InvalidConfigurationException("network", "a /" + prefixLength + " network needs an IPv4 address"
                        + " and 0 to 32 bits, not " + host);
            }
            if (port < 1 || port > 65535) {
                throw new InvalidConfigurationException("network", "port " + port + " of " + host + " is not 1 to 65535");
            }
        }

        /** Parses {@code host:port} or {@code a.b.c.d/bits:port}, naming the entry when it does not parse. */
        public static Destination parse(String text) {
            if (text == null) {
                throw new InvalidConfigurationException("network", "an allowed destination must not be null");
            }
            int colon = text.lastIndexOf(':');
            if (colon <= 0 || text.startsWith("[")) {
                throw new InvalidConfigurationException("network", "'" + text + "' is not host:port (IPv4 or a name;"
                        + " IPv6 destinations are not supported)");
            }
            String host = text.substring(0, colon);
            int port = number(text.substring(colon + 1), text);
            int bits = 32;
            int slash = host.indexOf('/');
            if (slash >= 0) {
                bits = number(host.substring(slash + 1), text);
                host = host.substring(0, slash);
            }
            try {
                return new Destination(host, bits, port);
            } catch (InvalidConfigurationException e) {
                throw new InvalidConfigurationException("network", "'" + text + "': " + e.getMessage().substring("network: ".length()));
            }
        }

        private static int number(String digits, String entry) {
            if (!digits.matches("[0-9]{1,5}")) {
                throw new InvalidConfigurationException("network", "'" + entry + "' is not host:port: '" + digits + "' is not a number");
            }
            return Integer.parseInt(digits);
        }

        /** Whether {@link #host()} is a literal address or network rather than a name. */
        public boolean isAddress() { return IPV4.matcher(host).matches(); }

        @Override
        public String toString() {
            return host + (prefixLength < 32 ? "/" + prefixLength : "") + ":" + port;
        }
    }
}
