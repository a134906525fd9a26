package dev.jkata.core.netns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What a network namespace holds, read from iproute2's JSON ({@code ip -d -j addr show}, {@code ip -4 -j route
 * show}): its devices with their kind, MAC address, MTU and IPv4 addresses, and its IPv4 routes. Parsing is apart from
 * running the commands, so that it is tested on iproute2's own output.
 */
final class NamespaceLinks {
    /** The kinds of device whose traffic a tc mirror carries to a tap: Ethernet devices with a MAC of their own. */
    static final Set<String> JOINABLE = Set.of("veth", "macvlan", "ipvlan");
    /** Bounds what a namespace may hand us (it is another party's). */
    static final int MAX_LINKS = 16;
    static final int MAX_ROUTES = 256;

    private static final ObjectMapper JSON = new ObjectMapper();

    private NamespaceLinks() {}

    /**
     * One device of the namespace.
     *
     * @param kind      iproute2's {@code linkinfo.info_kind} ({@code veth}, {@code tun}, ...), {@code loopback} for lo,
     *                  empty for a plain device
     * @param addresses its IPv4 addresses, {@code a.b.c.d/bits}
     */
    record Link(String name, String kind, String mac, int mtu, boolean up, List<String> addresses, boolean addressed) {
        Link {
            addresses = List.copyOf(addresses);
        }

        boolean loopback() { return "loopback".equals(kind); }

        /**
         * Whether nobody configured it: down and without any address, as the fallback tunnels ({@code tunl0},
         * {@code sit0}, {@code gre0}, ...) the kernel puts in every namespace once their modules are loaded.
         */
        boolean unconfigured() { return !up && !addressed; }
    }

    /**
     * One IPv4 route.
     *
     * @param destination {@code default} or {@code a.b.c.d/bits} (or one address)
     * @param gateway     the next hop, or empty for a route on the link
     * @param kernel      whether the kernel made it for an address (the guest's kernel makes its own)
     */
    record RouteEntry(String destination, String gateway, String device, String source, boolean kernel) {}

    /** The devices in {@code ip -d -j addr show}'s output. */
    static List<Link> links(String addrJson) {
        JsonNode all = parse(addrJson, "ip addr");
        List<Link> links = new ArrayList<>();
        for (JsonNode l : all) {
            if (links.size() == MAX_LINKS) {
                throw new IllegalArgumentException("the namespace has more than " + MAX_LINKS + " devices");
            }
            String linkType = l.path("link_type").asText("");
            String kind = "loopback".equals(linkType) ? "loopback" : l.path("linkinfo").path("info_kind").asText("");
            List<String> addresses = new ArrayList<>();
            for (JsonNode a : l.path("addr_info")) {
                if ("inet".equals(a.path("family").asText()) && addresses.size() < 64) {
                    addresses.add(a.path("local").asText() + "/" + a.path("prefixlen").asInt(32));
                }
            }
            boolean up = false;
            for (JsonNode f : l.path("flags")) {
                up |= "UP".equals(f.asText());
            }
            links.add(new Link(l.path("ifname").asText(""), kind, l.path("address").asText("").toLowerCase(Locale.ROOT),
                    l.path("mtu").asInt(1500), up, addresses, l.path("addr_info").size() > 0));
        }
        return links;
    }

    /** The routes in {@code ip -4 -j route show}'s output. */
    static List<RouteEntry> routes(String routeJson) {
        JsonNode all = parse(routeJson, "ip route");
        List<RouteEntry> routes = new ArrayList<>();
        for (JsonNode r : all) {
            if (routes.size() == MAX_ROUTES) {
                throw new IllegalArgumentException("the namespace has more than " + MAX_ROUTES + " routes");
            }
            routes.add(new RouteEntry(r.path("dst").asText(""), r.path("gateway").asText(""), r.path("dev").asText(""),
                    r.path("prefsrc").asText(""), "kernel".equals(r.path("protocol").asText(""))));
        }
        return routes;
    }

    private static JsonNode parse(String json, String what) {
        try {
            JsonNode n = JSON.readTree(json.isBlank() ? "[]" : json);
            if (n == null || !n.isArray()) {
                throw new IllegalArgumentException(what + " did not print a JSON array");
            }
            return n;
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " printed what is not JSON: " + e.getMessage(), e);
        }
    }
}
