package dev.jkata.core.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.agent.protocol.proto.Route;
import java.util.List;
import org.junit.jupiter.api.Test;

/** iproute2's JSON, as {@code ip -d -j addr show} and {@code ip -4 -j route show} printed it here, read and mapped. */
class NamespaceLinksTest {
    private static final String ADDR = """
            [{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"link_type":"loopback",
              "address":"00:00:00:00:00:00","addr_info":[{"family":"inet","local":"127.0.0.1","prefixlen":8}]},
             {"ifindex":3,"link":"peer0","ifname":"eth0","flags":["BROADCAST","MULTICAST","UP"],"mtu":1450,
              "link_type":"ether","address":"12:84:4C:32:34:BC","linkinfo":{"info_kind":"veth"},
              "addr_info":[{"family":"inet","local":"10.88.0.5","prefixlen":16,"scope":"global"},
                           {"family":"inet6","local":"fd00::5","prefixlen":64,"scope":"global"}]},
             {"ifindex":4,"ifname":"br0","flags":["BROADCAST"],"mtu":1500,"link_type":"ether",
              "address":"a6:3d:f7:32:40:f0","linkinfo":{"info_kind":"bridge"},"addr_info":[]},
             {"ifindex":5,"ifname":"tunl0","link":null,"flags":["NOARP"],"mtu":1480,"link_type":"ipip",
              "address":"0.0.0.0","broadcast":"0.0.0.0","linkinfo":{"info_kind":"ipip"},"addr_info":[]}]
            """;
    private static final String ROUTES = """
            [{"dst":"default","gateway":"10.88.0.1","dev":"eth0","flags":[]},
             {"dst":"10.88.0.0/16","dev":"eth0","protocol":"kernel","scope":"link","prefsrc":"10.88.0.5","flags":[]},
             {"dst":"10.99.0.0/24","dev":"eth0","flags":[]},
             {"dst":"192.0.2.0/24","gateway":"10.88.0.254","dev":"br0","flags":[]}]
            """;

    @Test
    void devicesKeepTheirKindMacMtuAndIpv4Addresses() {
        List<NamespaceLinks.Link> links = NamespaceLinks.links(ADDR);
        assertThat(links).extracting(NamespaceLinks.Link::name).containsExactly("lo", "eth0", "br0", "tunl0");
        assertThat(links.get(3).unconfigured()).as("the kernel's fallback tunnel, down and unaddressed").isTrue();
        assertThat(links.get(1).unconfigured()).isFalse();
        assertThat(links.get(0).loopback()).isTrue();
        NamespaceLinks.Link eth0 = links.get(1);
        assertThat(eth0.kind()).isEqualTo("veth");
        assertThat(eth0.mac()).isEqualTo("12:84:4c:32:34:bc");
        assertThat(eth0.mtu()).isEqualTo(1450);
        assertThat(eth0.up()).isTrue();
        assertThat(eth0.addresses()).as("IPv4 only: the agent takes no other").containsExactly("10.88.0.5/16");
        assertThat(links.get(2).kind()).isEqualTo("bridge");
        assertThat(NamespaceLinks.JOINABLE).contains("veth").doesNotContain("bridge", "tun", "loopback");
    }

    @Test
    void theGuestGetsLinkRoutesBeforeGatewayRoutesAndNeitherTheKernelsNorOtherDevices() {
        List<Route> routes = JoinedNamespace.guestRoutes(NamespaceLinks.routes(ROUTES), List.of("eth0"));
        assertThat(routes).extracting(Route::getDest, Route::getGateway, Route::getDevice).containsExactly(
                org.assertj.core.groups.Tuple.tuple("10.99.0.0/24", "", "eth0"),
                org.assertj.core.groups.Tuple.tuple("", "10.88.0.1", "eth0"));
    }

    @Test
    void whatIsNotIproutesJsonOrTooMuchIsRefused() {
        assertThatThrownBy(() -> NamespaceLinks.links("not json")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> NamespaceLinks.routes("{}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JSON array");
        String many = "[" + "{\"ifname\":\"x\"},".repeat(NamespaceLinks.MAX_LINKS) + "{\"ifname\":\"y\"}]";
        assertThatThrownBy(() -> NamespaceLinks.links(many)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("more than");
        assertThat(NamespaceLinks.links("")).isEmpty();
    }
}
