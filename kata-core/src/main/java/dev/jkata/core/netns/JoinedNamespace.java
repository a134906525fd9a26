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
            if (!NamespaceLinks.JOINABLE.contains(l.kind()) && l.unconfigured()) {
                LOG.debug("Sandbox {}: {} (kind {}) of {} is down and unaddressed: left alone", sandboxId, l.name(), l.kind(), netns);
                continue;
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
        if (joinable.stream().map(NamespaceLinks.Link::mac).distinct().count() < joinable.size()) {
            throw new InvalidConfigurationException("network", "devices of " + netns + " share a MAC address ("
                    + joinable.stream().map(l -> l.name() + " " + l.mac()).toList() + "), which the guest's interfaces are"
                    + " found by; give each its own");
        }
        int[] owner = owner();
        String stem = TAP_PREFIX + sandboxId.substring(0, Math.min(12, sandboxId.length()));
        List<MirroredTap> taps = new ArrayList<>();
        // the record: the namespace (its identity too), each tap before it is made, each mirror once it is ours
        java.util.function.Consumer<String> journal = stateDir == null ? line -> { } : line -> {
            try {
                Files.writeString(stateDir.resolve(RECORD), line + "\n", java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.APPEND);
            } catch (IOException e) {
                throw new KataException(KataErrorReason.IO, "cannot write " + stateDir.resolve(RECORD) + ": " + e.getMessage(), sandboxId, e);
            }
        };
        journal.accept("netns " + commands.identity() + " " + netns);
        try {
            for (int i = 0; i < joinable.size(); i++) {
                journal.accept("tap " + stem + i);
                taps.add(MirroredTap.attach(commands, joinable.get(i), stem + i, owner[0], owner[1], sandboxId, journal));
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
     * Removes the taps and mirrors a sandbox whose process died recorded in its state directory {@code dir}: only in
     * the namespace it recorded (the same identity; never the host's), only taps named as ours, and an engine
     * device's ingress qdisc only where the record says adding it succeeded. A namespace already gone took them with
     * it.
     */
    public static void reapLeftovers(Path dir) {
        Path record = dir.resolve(RECORD);
        if (!Files.isRegularFile(record)) {
            return;
        }
        try {
            List<String> lines = Files.readAllLines(record);
            if (lines.isEmpty() || lines.size() > 64) {
                return;
            }
            String[] head = lines.get(0).split(" ", 3);
            if (head.length != 3 || !head[0].equals("netns") || !head[2].startsWith("/")) {
                return;
            }
            Path netns = Path.of(head[2]);
            if (!Files.exists(netns) || isHost(netns) || !head[1].equals(NamespaceCommands.identity(netns))) {
                return; // gone, or no longer the namespace the sandbox joined
            }
            NamespaceCommands commands = new NamespaceCommands(netns, dir.getFileName().toString());
            for (String l : lines.subList(1, lines.size())) {
                String[] w = l.split(" ");
                if (w.length == 2 && w[0].equals("tap") && OUR_TAP.matcher(w[1]).matches()
                        && commands.tryIp("link", "del", "dev", w[1]).ok()) {
                    LOG.info("Removed tap {} of a sandbox that is gone from {}", w[1], netns);
                } else if (w.length == 3 && w[0].equals("mirror") && OUR_TAP.matcher(w[1]).matches() && deviceName(w[2])) {
                    commands.tryTc("qdisc", "del", "dev", w[2], "handle", "ffff:", "ingress");
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("Cannot remove the taps recorded in {}: {}", record, e.getMessage());
        }
    }

    /** What the kernel takes as a device name: 1 to 15 bytes, none a space, '/' or ':'. */
    private static boolean deviceName(String n) {
        return !n.isEmpty() && n.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 15 && n.chars()
                .noneMatch(c -> Character.isWhitespace(c) || c == '/' || c == ':');
    }

    /**
     * Whether {@code netns} is the host's network namespace, whose devices no sandbox may take: init's (the same nsfs
     * inode as {@code /proc/1/ns/net}) or this JVM's own, unless {@value #HOST_NETNS_PROPERTY} names the one it came
     * from (kata-runtime's daemon in a fresh namespace of its own may join that one).
     */
    public static boolean isHost(Path netns) {
        String id = NamespaceCommands.identity(netns);
        if (id.isEmpty()) {
            return true; // what cannot be told apart from the host's is never joined
        }
        // init's, where it can be read (a confined root may not read /proc/1), and the one this JVM counts as its
        // host's: its own, unless whoever started it in a namespace of its own said which it came from
        String init = NamespaceCommands.identity(Path.of("/proc/1/ns/net"));
        String home = System.getProperty(HOST_NETNS_PROPERTY, "");
        if (home.isEmpty()) {
            home = NamespaceCommands.identity(Path.of("/proc/self/ns/net"));
        }
        return id.equals(init) || id.equals(home);
    }

    /**
     * The identity ({@link #identity}) of the network namespace a process started in a namespace of its own came from,
     * which it must then count as the host's (kata-runtime's daemon for a container whose engine asked for a fresh one).
     */
    public static final String HOST_NETNS_PROPERTY = "kata.netns.host";

    /** A namespace's identity as {@value #RECORD} keeps it: {@code dev:ino} of its nsfs file, empty when unreadable. */
    public static String identity(Path netns) {
        return NamespaceCommands.identity(netns);
    }

    /** Whether {@code a} and {@code b} are one namespace (the same nsfs inode); false when either cannot be read. */
    public static boolean sameNamespace(Path a, Path b) {
        String ia = NamespaceCommands.identity(a);
        return !ia.isEmpty() && ia.equals(NamespaceCommands.identity(b));
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
