package dev.jkata.agent.network;

import dev.jkata.agent.protocol.proto.IPAddress;
import dev.jkata.agent.protocol.proto.Interface;
import dev.jkata.agent.protocol.proto.Route;
import dev.jkata.agent.errors.AgentException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Sets the guest's interfaces and routes with busybox {@code ip}, as Kata 1.x's UpdateInterface and UpdateRoutes
 * ask: an interface is found by its MAC address (else by name), renamed to the name asked for, given exactly the
 * addresses listed, its MTU, and brought up; each route is added or replaced. Every value is checked before it
 * reaches a command line.
 */
public final class GuestNetwork {
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
    private static final Pattern MAC = Pattern.compile("([0-9a-fA-F]{2}:){5}[0-9a-fA-F]{2}");
    private static final Pattern IPV4 = Pattern.compile("((25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\\.){3}(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])");
    private static final int MAX_ADDRESSES = 4096;
    private static final int MAX_ROUTES = 256;

    private final Path sysClassNet;
    private final Function<List<String>, String> ip;

    /** {@code ip} runs each command ({@code ip} first) and returns its output, or throws an AgentException. */
    public GuestNetwork(Path sysClassNet, Function<List<String>, String> ip) {
        this.sysClassNet = sysClassNet;
        this.ip = ip;
    }

    /** Configures one interface and returns it as configured (under its new name). */
    public synchronized Interface updateInterface(Interface want) {
        if (!want.getName().isEmpty() && !IFNAME.matcher(want.getName()).matches()) {
            throw AgentException.invalid("'" + want.getName() + "' is not an interface name");
        }
        if (want.getIPAddressesCount() > MAX_ADDRESSES) {
            throw AgentException.invalid("at most " + MAX_ADDRESSES + " addresses per interface, not " + want.getIPAddressesCount());
        }
        if (want.getMtu() != 0 && (want.getMtu() < 68 || want.getMtu() > 65535)) {
            throw AgentException.invalid("MTU " + want.getMtu() + " is not 68 to 65535");
        }
        String dev = find(want);
        String name = want.getName().isEmpty() ? dev : want.getName();
        List<String> addresses = new ArrayList<>();
        for (IPAddress a : want.getIPAddressesList()) {
            addresses.add(cidr(a));
        }
        String mac = want.getHwAddr().toLowerCase(Locale.ROOT);
        boolean newMac = !mac.isEmpty() && !mac.equals(macOf(dev));
        if (newMac || !name.equals(dev)) {
            ip.apply(List.of("ip", "link", "set", "dev", dev, "down"));
        }
        if (newMac) {
            ip.apply(List.of("ip", "link", "set", "dev", dev, "address", mac));
        }
        if (!name.equals(dev)) {
            ip.apply(List.of("ip", "link", "set", "dev", dev, "name", name));
        }
        ip.apply(List.of("ip", "addr", "flush", "dev", name));
        for (String a : addresses) {
            ip.apply(List.of("ip", "addr", "add", a, "dev", name));
        }
        if (want.getMtu() > 0) {
            ip.apply(List.of("ip", "link", "set", "dev", name, "mtu", Long.toString(want.getMtu())));
        }
        ip.apply(List.of("ip", "link", "set", "dev", name, "up"));
        return want.toBuilder().setName(name).build();
    }

    /** Adds or replaces each route; a route without a destination is the default route. */
    public synchronized List<Route> updateRoutes(List<Route> routes) {
        if (routes.size() > MAX_ROUTES) {
            throw AgentException.invalid("at most " + MAX_ROUTES + " routes, not " + routes.size());
        }
        List<List<String>> commands = new ArrayList<>();
        for (Route r : routes) {
            List<String> cmd = new ArrayList<>(List.of("ip", "route", "replace"));
            cmd.add(r.getDest().isEmpty() || r.getDest().equals("default") ? "default" : destination(r.getDest()));
            if (!r.getGateway().isEmpty()) {
                cmd.addAll(List.of("via", address(r.getGateway())));
            }
            if (!r.getDevice().isEmpty()) {
                cmd.addAll(List.of("dev", ifname(r.getDevice())));
            }
            if (!r.getSource().isEmpty()) {
                cmd.addAll(List.of("src", address(r.getSource())));
            }
            if (r.getScope() > 0) {
                if (r.getScope() > 255) {
                    throw AgentException.invalid("route scope " + r.getScope() + " is not 0 to 255");
                }
                cmd.addAll(List.of("scope", Integer.toString(r.getScope())));
            }
            commands.add(cmd);
        }
        commands.forEach(ip::apply);
        return routes;
    }

    /**
     * The device {@code want} names: by MAC address when it has one; else (or when no device has that MAC: a VM
     * template's clone, whose NICs have the template's) by its guest name, {@code device}, else by {@code name}.
     */
    private String find(Interface want) {
        if (!want.getHwAddr().isEmpty()) {
            if (!MAC.matcher(want.getHwAddr()).matches()) {
                throw AgentException.invalid("'" + want.getHwAddr() + "' is not a MAC address");
            }
            String mac = want.getHwAddr().toLowerCase(Locale.ROOT);
            try (Stream<Path> links = Files.list(sysClassNet)) {
                for (Path link : (Iterable<Path>) links.sorted()::iterator) {
                    if (mac.equals(macOf(link.getFileName().toString()))) {
                        return link.getFileName().toString();
                    }
                }
            } catch (IOException e) {
                throw AgentException.internal("cannot list " + sysClassNet + ": " + e.getMessage(), e);
            }
            if (want.getDevice().isEmpty() || !Files.exists(sysClassNet.resolve(ifname(want.getDevice())))) {
                throw AgentException.notFound("no interface has MAC address " + want.getHwAddr()
                        + (want.getDevice().isEmpty() ? "" : " or is named " + want.getDevice()));
            }
            return want.getDevice();
        }
        String name = ifname(want.getName());
        if (!Files.exists(sysClassNet.resolve(name))) {
            throw AgentException.notFound("no interface is named " + name);
        }
        return name;
    }

    /** The device's MAC address, lower case, or empty when it cannot be read. */
    private String macOf(String dev) {
        try {
            Path addr = sysClassNet.resolve(dev).resolve("address");
            return Files.isReadable(addr) ? Files.readString(addr).trim().toLowerCase(Locale.ROOT) : "";
        } catch (IOException e) {
            return "";
        }
    }

    private static String cidr(IPAddress a) {
        if (a.getFamilyValue() != 0) {
            throw AgentException.invalid("only IPv4 addresses are supported, not " + a.getAddress());
        }
        String mask = a.getMask().isEmpty() ? "32" : a.getMask();
        if (!mask.matches("[0-9]{1,2}") || Integer.parseInt(mask) > 32) {
            throw AgentException.invalid("'" + a.getMask() + "' is not a prefix length of 0 to 32");
        }
        return address(a.getAddress()) + "/" + mask;
    }

    private static String destination(String dest) {
        int slash = dest.indexOf('/');
        if (slash < 0) {
            return address(dest);
        }
        String bits = dest.substring(slash + 1);
        if (!bits.matches("[0-9]{1,2}") || Integer.parseInt(bits) > 32) {
            throw AgentException.invalid("'" + dest + "' is not an IPv4 network");
        }
        return address(dest.substring(0, slash)) + "/" + bits;
    }

    private static String address(String a) {
        if (!IPV4.matcher(a).matches()) {
            throw AgentException.invalid("'" + a + "' is not an IPv4 address");
        }
        return a;
    }

    private static String ifname(String n) {
        if (!IFNAME.matcher(n).matches()) {
            throw AgentException.invalid("'" + n + "' is not an interface name");
        }
        return n;
    }
}
