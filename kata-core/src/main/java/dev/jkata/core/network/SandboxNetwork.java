package dev.jkata.core.network;

import dev.jkata.agent.client.AgentClient;
import dev.jkata.agent.client.BindMount;
import dev.jkata.agent.protocol.forward.ForwardRequest;
import dev.jkata.agent.protocol.yamux.YamuxStream;
import dev.jkata.core.channel.DataChannel;
import dev.jkata.agent.protocol.proto.IPAddress;
import dev.jkata.agent.protocol.proto.Interface;
import dev.jkata.agent.protocol.proto.Route;
import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.api.Network;
import dev.jkata.api.SandboxSpec;
import dev.jkata.core.guest.Guest;
import dev.jkata.core.guest.GuestNic;
import dev.jkata.core.netns.JoinedNamespace;
import dev.jkata.core.netns.NamespaceResolvers;
import dev.jkata.qemu.device.UserNetwork;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * One sandbox's network, host side. {@link #prepare} resolves the allow-list and binds the published ports before
 * the VM boots; {@link #start} configures the guest once its agent answers (Kata's UpdateInterface and UpdateRoutes,
 * the hosts file by CopyFile) and carries connections on the data channel; {@link #mounts()} are the files every container gets
 * (/etc/hosts, /etc/resolv.conf). {@link #close()} frees the ports at once.
 */
public final class SandboxNetwork implements AutoCloseable {
    /** Where the agent keeps the sandbox's network files (CopyFile writes under /run/kata-containers). */
    static final String GUEST_DIR = "/run/kata-containers/sandbox";
    private static final String DEVICE = "eth0";

    private final Network network;
    private final String sandboxId;
    private final String hostname;
    private final EgressPolicy policy;
    private final PublishedPorts ports;
    private final EgressGateway gateway;
    /** The namespace a {@link Network.Namespace} sandbox joined, or null. */
    private final JoinedNamespace joined;
    /** Guest paths the spec's own shares cover (an engine's /etc/hosts and /etc/resolv.conf win over ours). */
    private final java.util.Set<String> sharedPaths;
    private DataChannel channel;

    private SandboxNetwork(SandboxSpec spec, String sandboxId, EgressPolicy policy, PublishedPorts ports,
                           JoinedNamespace joined) {
        this.network = spec.network();
        this.sandboxId = sandboxId;
        this.hostname = spec.container().hostname();
        this.policy = policy;
        this.ports = ports;
        this.joined = joined;
        this.sharedPaths = spec.shares().stream().map(SandboxSpec.Share::guestPath).collect(java.util.stream.Collectors.toSet());
        this.gateway = new EgressGateway(policy, sandboxId);
    }

    /** Resolves and binds everything the host needs, failing with a typed error before any VM exists. */
    public static SandboxNetwork prepare(SandboxSpec spec, String sandboxId) {
        return prepare(spec, spec.ports(), sandboxId);
    }

    /** As {@link #prepare(SandboxSpec, String)}, publishing {@code published} (the spec's and perhaps an image's). */
    public static SandboxNetwork prepare(SandboxSpec spec, List<dev.jkata.api.PublishedPort> published, String sandboxId) {
        return prepare(spec, published, sandboxId, null);
    }

    /**
     * As {@link #prepare(SandboxSpec, List, String)}; a joined namespace's taps are recorded in {@code stateDir} (when
     * not null), for the reaper should this process die.
     */
    public static SandboxNetwork prepare(SandboxSpec spec, List<dev.jkata.api.PublishedPort> published, String sandboxId,
                                         Path stateDir) {
        EgressPolicy policy = EgressPolicy.resolve(spec.network(), sandboxId);
        PublishedPorts ports = PublishedPorts.bind(published, sandboxId);
        JoinedNamespace joined = null;
        if (spec.network() instanceof Network.Namespace ns) {
            try {
                joined = JoinedNamespace.join(ns.path(), sandboxId, stateDir);
            } catch (RuntimeException e) {
                ports.close();
                throw e;
            }
        }
        try {
            return new SandboxNetwork(spec, sandboxId, policy, ports, joined);
        } catch (RuntimeException e) {
            ports.close();
            if (joined != null) {
                joined.close();
            }
            throw e;
        }
    }

    /** The guest's network devices on the taps of a joined namespace; none for every other kind. */
    public List<GuestNic> nics() {
        return joined == null ? List.of() : joined.nics();
    }

    /**
     * The resolver lines CreateSandbox carries: slirp's resolver under NAT; none for an allow-list (names are in
     * /etc/hosts); a joined namespace's (ip-netns's {@code /etc/netns/NAME/resolv.conf}, else the host's resolvers that
     * are not on its loopback, which the namespace cannot reach).
     */
    public List<String> dns() {
        if (network instanceof Network.Nat) {
            return List.of("nameserver " + UserNetwork.DNS);
        }
        if (network instanceof Network.Restricted) {
            return List.of("# no resolver: this sandbox reaches only its allow-list, whose names are in /etc/hosts");
        }
        return network instanceof Network.Namespace ns ? NamespaceResolvers.of(ns.path()) : List.of();
    }

    /** What the guest opens on the data channel: connections for the host to carry, if its policy allows them. */
    public void inbound(YamuxStream stream) {
        gateway.handle(stream);
    }

    /** Configures the guest's side and starts carrying connections over {@code data}, the guest's data channel. */
    public void start(Guest guest, AgentClient agent, java.util.Optional<DataChannel> data) {
        boolean needsChannel = !ports.isEmpty() || network.isRestricted();
        if (needsChannel) {
            channel = data.orElseThrow(() -> new InvalidConfigurationException(
                    ports.isEmpty() ? "network" : "publish", "this guest (" + guest.describe() + ") has no forwarding"
                    + " port, so it can publish no ports and carry no allow-list; use a QEMU sandbox"));
        }
        if (joined != null) {
            for (Interface i : joined.interfaces()) {
                agent.updateInterface(i);
            }
            if (!joined.routes().isEmpty()) {
                agent.updateRoutes(joined.routes());
            }
        }
        if (network instanceof Network.Nat) {
            if (!guest.hasNatDevice()) {
                throw new InvalidConfigurationException("network", "this guest (" + guest.describe() + ") has no network device");
            }
            agent.updateInterface(Interface.newBuilder().setName(DEVICE).setHwAddr(guest.macAddress()).setMtu(1500)
                    .addIPAddresses(ipv4(UserNetwork.GUEST, UserNetwork.PREFIX)).build());
            agent.updateRoutes(List.of(Route.newBuilder().setGateway(UserNetwork.GATEWAY).setDevice(DEVICE).build()));
        }
        if (network.isRestricted()) {
            Interface.Builder lo = Interface.newBuilder().setName("lo").addIPAddresses(ipv4("127.0.0.1", 8));
            for (String cidr : policy.guestAddresses()) {
                String[] p = cidr.split("/");
                lo.addIPAddresses(ipv4(p[0], Integer.parseInt(p[1])));
            }
            agent.updateInterface(lo.build());
            for (ForwardRequest listen : policy.listens()) {
                try {
                    channel.open(listen).close();
                } catch (IOException e) {
                    throw new KataException(KataErrorReason.NETWORK_FAILED, "network: the guest cannot take connections"
                            + " to " + listen.address() + ":" + listen.port() + ": " + e.getMessage(), sandboxId, e);
                }
            }
        }
        if (network.isNat() || joined != null) {
            agent.copyFile(GUEST_DIR + "/hosts", hosts().getBytes(StandardCharsets.US_ASCII), 0644);
        }
        if (channel != null) {
            ports.start(channel);
        }
    }

    private String hosts() {
        StringBuilder b = new StringBuilder("127.0.0.1\tlocalhost\n");
        if (!hostname.isEmpty()) {
            b.append("127.0.1.1\t").append(hostname).append('\n');
        }
        if (network.isNat()) {
            b.append(Network.HOST_ADDRESS).append('\t').append(Network.HOST_NAME).append('\n');
        }
        policy.hostsLines().forEach(l -> b.append(l).append('\n'));
        return b.toString();
    }

    /**
     * The network files each container mounts over its own: none without a network, and none the spec shares itself
     * (a container engine's own /etc/hosts and /etc/resolv.conf).
     */
    public List<BindMount> mounts() {
        List<BindMount> m = new ArrayList<>();
        if (network.isNat() || joined != null) {
            for (String f : List.of("hosts", "resolv.conf")) {
                if (!sharedPaths.contains("/etc/" + f)) {
                    m.add(new BindMount(GUEST_DIR + "/" + f, "/etc/" + f, true));
                }
            }
        }
        return m;
    }

    /**
     * The spec's ports and, when asked for, the image's TCP ExposedPorts ({@code 80/tcp}, {@code 8080}) not published
     * already, each on an ephemeral port of 127.0.0.1.
     */
    public static List<dev.jkata.api.PublishedPort> withExposed(SandboxSpec spec, java.util.Collection<String> exposed) {
        List<dev.jkata.api.PublishedPort> all = new ArrayList<>(spec.ports());
        if (!spec.publishExposed()) {
            return all;
        }
        for (String e : new java.util.TreeSet<>(exposed)) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9]{1,5})(/tcp)?").matcher(e);
            if (!m.matches()) {
                continue; // udp, sctp, or junk from the image: nothing a published TCP port can carry
            }
            int port = Integer.parseInt(m.group(1));
            if (port >= 1 && port <= 65535 && all.stream().noneMatch(p -> p.guestPort() == port)) {
                all.add(dev.jkata.api.PublishedPort.of(port));
            }
        }
        return all;
    }

    /** Where the host reaches published {@code guestPort}. */
    public InetSocketAddress publishedAddress(int guestPort) {
        return ports.address(guestPort);
    }

    /** Connections the allow-list refused so far. */
    public long refusedConnections() { return gateway.refused(); }

    private static IPAddress ipv4(String address, int prefix) {
        return IPAddress.newBuilder().setAddress(address).setMask(Integer.toString(prefix)).build();
    }

    /**
     * Frees the published ports and ends the gateway's connections (the data channel is its sandbox's); a joined
     * namespace's devices stay until {@link #detach()}. Idempotent.
     */
    @Override
    public void close() {
        ports.close();
        gateway.close();
    }

    /**
     * Removes the taps and mirrors a joined namespace got, once the guest has stopped (QEMU holds the taps until
     * then); nothing for other kinds. Idempotent.
     */
    public void detach() {
        if (joined != null) {
            joined.close();
        }
    }

    @Override
    public String toString() {
        return "SandboxNetwork[" + network + ", ports " + (ports.isEmpty() ? "none" : "published") + "]";
    }
}
