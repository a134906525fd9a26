package dev.jkata.core.netns;

import dev.jkata.agent.protocol.proto.IPAddress;
import dev.jkata.agent.protocol.proto.Interface;
import dev.jkata.agent.protocol.proto.Route;
import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.core.guest.GuestNic;
import dev.jkata.guestimage.host.Command;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sandbox's part in an existing network namespace. {@link #join} reads the namespace's devices and, for each
 * veth, macvlan or ipvlan device, makes a tap beside it mirrored to it both ways ({@link MirroredTap}); the guest
 * gets a NIC on each tap with the device's MAC address ({@link #nics()}), and its interfaces and routes are the
 * device's ({@link #interfaces()}, {@link #routes()}: Kata's UpdateInterface and UpdateRoutes). A namespace with
 * only its loopback gives the guest only its own. {@link #close()} removes the taps and the mirrors, leaving the
 * engine's devices as they were.
 */
public final class JoinedNamespace implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JoinedNamespace.class);
    /** Our taps: {@code kt} and the sandbox id's first 12 characters and the device's index, at most 15 in all. */
    public static final String TAP_PREFIX = "kt";
    /** The file in a sandbox's state directory that names its namespace and taps, one "tap device" per line. */
    public static final String RECORD = "netns-taps";
    private static final Pattern OUR_TAP = Pattern.compile(TAP_PREFIX + "[0-9a-f]{12}[0-9]");

    private final NamespaceCommands commands;
    private final List<MirroredTap> taps;
    private final List<NamespaceLinks.Link> joined;
    private final List<NamespaceLinks.RouteEntry> routes;

    private JoinedNamespace(NamespaceCommands commands, List<MirroredTap> taps, List<NamespaceLinks.Link> joined,
                            List<NamespaceLinks.RouteEntry> routes) {
        this.commands = commands;
        this.taps = taps;
        this.joined = joined;
        this.routes = routes;
    }

    /**
     * Reads the namespace at {@code netns} and mirrors each of its devices to a tap of this sandbox's.
     *
     * @throws InvalidConfigurationException (field {@code network}) when the path is no network namespace, or holds
     *                                       a device that cannot be joined (naming it and its kind)
     * @throws KataException                 (NETWORK_FAILED) when a tap or a mirror cannot be made; what was made is
     *                                       removed first
     */
    public static JoinedNamespace join(Path netns, String sandboxId) {
        return join(netns, sandboxId, null);
    }

    /**
     * As {@link #join(Path, String)}, first writing what it is about to make to {@value #RECORD} in {@code stateDir}
     * (when not null), so that {@link #reapLeftovers} removes it if this process dies before {@link #close()}.
     */
    public static JoinedNamespace join(Path netns, String sandboxId, Path stateDir) {
        if (!Files.exists(netns)) {
            throw new InvalidConfigurationException("network", "the network namespace " + netns + " does not exist;"
                    + " pass the path of one (/run/netns/NAME, /proc/PID/ns/net)");
        }
        if (isHost(netns)) {
            throw new InvalidConfigurationException("network", netns + " is the host's network namespace, whose devices"
                    + " a sandbox must not take; pass a namespace of the sandbox's own");
        }
        NamespaceCommands commands = new NamespaceCommands(netns, sandboxId);
        Command.Result addr = commands.tryIp("-d", "-j", "addr", "show");
        if (!addr.ok()) {
            throw new InvalidConfigurationException("network", netns + " is not a network namespace this process can"
                    + " enter (" + Command.lastLines(addr.stderr(), 3).strip() + "); pass a network namespace's path,"
                    + " and run as root");
        }
        List<NamespaceLinks.Link> links;
        List<NamespaceLinks.RouteEntry> routes;
        try {
            links = NamespaceLinks.links(addr.stdout());
            routes = NamespaceLinks.routes(commands.ip("-4", "-j", "route", "show"));
        } catch (IllegalArgumentException e) {
            throw new KataException(KataErrorReason.NETWORK_FAILED, "network: cannot read " + netns + ": "
                    + e.getMessage(), sandboxId, e);
        }
        List<NamespaceLinks.Link> joinable = new ArrayList<>();
        for (NamespaceLinks.Link l : links) {
            if (l.loopback() || "tun".equals(l.kind()) && OUR_TAP.matcher(l.name()).matches()) {
                continue; // lo is the guest's own; a tap of ours is a sandbox's that shares this namespace
            }
            if (!NamespaceLinks.JOINABLE.contains(l.kind())) {
                throw new InvalidConfigurationException("network", "cannot join device " + l.name() + " (kind "
                        + (l.kind().isEmpty() ? "none" : l.kind()) + ") of " + netns + ": only veth, macvlan and"
                        + " ipvlan devices are joined");
            }
            joinable.add(l);
        }
        if (joinable.size() > 10) {
            throw new InvalidConfigurationException("network", netns + " has " + joinable.size() + " devices to join;"
                    + " at most 10 are");
        }
        int[] owner = owner();
        String stem = TAP_PREFIX + sandboxId.substring(0, Math.min(12, sandboxId.length()));
        List<MirroredTap> taps = new ArrayList<>();
        if (stateDir != null) {
            StringBuilder rec = new StringBuilder(netns.toString()).append('\n');
            for (int i = 0; i < joinable.size(); i++) {
                rec.append(stem).append(i).append(' ').append(joinable.get(i).name()).append('\n');
            }
            try {
                Files.writeString(stateDir.resolve(RECORD), rec);
            } catch (IOException e) {
                throw new KataException(KataErrorReason.IO, "cannot write " + stateDir.resolve(RECORD) + ": " + e.getMessage(), sandboxId, e);
            }
        }
        try {
            for (int i = 0; i < joinable.size(); i++) {
                taps.add(MirroredTap.attach(commands, joinable.get(i), stem + i, owner[0], owner[1], sandboxId));
            }
        } catch (RuntimeException e) {
            for (MirroredTap t : taps) {
                t.remove();
            }
            throw e;
        }
        LOG.info("Sandbox {}: joins {} of {}", sandboxId, joinable.stream().map(NamespaceLinks.Link::name).toList(), netns);
        return new JoinedNamespace(commands, taps, List.copyOf(joinable), routes);
    }

    /**
     * Removes the taps and mirrors a sandbox whose process died recorded in its state directory {@code dir} (a
     * namespace already gone took them with it). The engine's device loses its ingress qdisc only where our tap was
     * still there: only then was the mirror ours.
     */
    public static void reapLeftovers(Path dir) {
        Path record = dir.resolve(RECORD);
        if (!Files.isRegularFile(record)) {
            return;
        }
        try {
            List<String> lines = Files.readAllLines(record);
            if (lines.isEmpty() || lines.size() > 11 || !Files.exists(Path.of(lines.get(0))) || !lines.get(0).startsWith("/")) {
                return;
            }
            NamespaceCommands commands = new NamespaceCommands(Path.of(lines.get(0)), dir.getFileName().toString());
            for (String l : lines.subList(1, lines.size())) {
                String[] w = l.split(" ");
                if (w.length == 2 && OUR_TAP.matcher(w[0]).matches() && w[1].matches("[A-Za-z0-9_.-]{1,15}")
                        && commands.tryIp("link", "del", "dev", w[0]).ok()) {
                    commands.tryTc("qdisc", "del", "dev", w[1], "handle", "ffff:", "ingress");
                    LOG.info("Removed tap {} of a sandbox that is gone from {}", w[0], lines.get(0));
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot remove the taps recorded in {}: {}", record, e.getMessage());
        }
    }

    /**
     * Whether {@code netns} is the host's network namespace: init's (the same nsfs inode as {@code /proc/1/ns/net}),
     * whose devices no sandbox may take. A process that runs in a namespace of its own (kata-runtime's daemon for a
     * container whose engine asked for a fresh one) may join that one.
     */
    public static boolean isHost(Path netns) {
        try {
            Path own = Path.of("/proc/1/ns/net");
            return Files.getAttribute(netns, "unix:ino").equals(Files.getAttribute(own, "unix:ino"))
                    && Files.getAttribute(netns, "unix:dev").equals(Files.getAttribute(own, "unix:dev"));
        } catch (IOException | RuntimeException e) {
            return false; // not readable: join() says why
        }
    }

    /** The namespace's path. */
    public Path path() {
        return commands.netns();
    }

    /** The guest's NICs: one on each tap, with its device's MAC address. */
    public List<GuestNic> nics() {
        return taps.stream().map(t -> new GuestNic(commands.netns(), t.tapName(), t.link().mac())).toList();
    }

    /** The guest's interfaces, as the namespace's devices are: found by MAC, named, addressed, their MTU. */
    public List<Interface> interfaces() {
        List<Interface> out = new ArrayList<>();
        for (int i = 0; i < joined.size(); i++) {
            NamespaceLinks.Link l = joined.get(i);
            // found by MAC; a clone, whose NICs have its template's MACs, by its name in the guest (the NICs are the
            // guest's only Ethernet devices, eth0.. in order), and given the MAC
            Interface.Builder b = Interface.newBuilder().setName(l.name()).setDevice("eth" + i).setHwAddr(l.mac()).setMtu(l.mtu());
            for (String cidr : l.addresses()) {
                String[] p = cidr.split("/");
                b.addIPAddresses(IPAddress.newBuilder().setAddress(p[0]).setMask(p[1]).build());
            }
            out.add(b.build());
        }
        return out;
    }

    /**
     * The guest's routes: the namespace's on joined devices, less those the kernel made for an address (the guest's
     * kernel makes its own), routes on the link before those through a gateway.
     */
    public List<Route> routes() {
        return guestRoutes(routes, joined.stream().map(NamespaceLinks.Link::name).toList());
    }

    static List<Route> guestRoutes(List<NamespaceLinks.RouteEntry> routes, List<String> names) {
        return routes.stream()
                .filter(r -> !r.kernel() && names.contains(r.device()))
                .sorted(Comparator.comparing(r -> !r.gateway().isEmpty()))
                .map(r -> Route.newBuilder().setDest("default".equals(r.destination()) ? "" : r.destination())
                        .setGateway(r.gateway()).setDevice(r.device()).setSource(r.source()).build())
                .toList();
    }

    /** Whether the guest gets any device of the namespace's. */
    public boolean isEmpty() {
        return taps.isEmpty();
    }

    /** Removes this sandbox's taps and mirrors (a namespace already gone took them with it). Idempotent. */
    @Override
    public void close() {
        for (MirroredTap t : taps) {
            t.remove();
        }
    }

    /** The uid and gid QEMU runs as (this process's): the taps' owner, so it attaches without capabilities. */
    static int[] owner() {
        try {
            return new int[] {(Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid"),
                    (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:gid")};
        } catch (IOException | UnsupportedOperationException e) {
            throw new KataException(KataErrorReason.NETWORK_FAILED, "network: cannot tell this process's uid: " + e.getMessage(), e);
        }
    }

    @Override
    public String toString() {
        return "JoinedNamespace[" + commands.netns() + ", " + taps + "]";
    }
}
