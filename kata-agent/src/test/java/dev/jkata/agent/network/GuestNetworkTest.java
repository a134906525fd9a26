package dev.jkata.agent.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.agent.protocol.proto.IPAddress;
import dev.jkata.agent.protocol.proto.Interface;
import dev.jkata.agent.protocol.proto.Route;
import dev.jkata.agent.errors.AgentException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** UpdateInterface and UpdateRoutes as busybox ip commands: found by MAC, checked before any command runs. */
class GuestNetworkTest {
    @TempDir
    Path sys;

    private final List<String> commands = new ArrayList<>();
    private GuestNetwork net;

    @BeforeEach
    void setUp() throws Exception {
        Files.createDirectories(sys.resolve("lo"));
        Files.writeString(Files.createDirectories(sys.resolve("enp0s3")).resolve("address"), "02:6b:00:00:00:01\n");
        Files.writeString(sys.resolve("lo").resolve("address"), "00:00:00:00:00:00\n");
        net = new GuestNetwork(sys, cmd -> {
            commands.add(String.join(" ", cmd));
            return "";
        });
    }

    private static IPAddress ip(String a, String mask) {
        return IPAddress.newBuilder().setAddress(a).setMask(mask).build();
    }

    @Test
    void anInterfaceFoundByMacIsRenamedAddressedAndBroughtUp() {
        Interface done = net.updateInterface(Interface.newBuilder().setName("eth0").setHwAddr("02:6B:00:00:00:01")
                .setMtu(1500).addIPAddresses(ip("10.0.2.15", "24")).build());
        assertThat(done.getName()).isEqualTo("eth0");
        assertThat(commands).containsExactly(
                "ip link set dev enp0s3 down", "ip link set dev enp0s3 name eth0", "ip addr flush dev eth0",
                "ip addr add 10.0.2.15/24 dev eth0", "ip link set dev eth0 mtu 1500", "ip link set dev eth0 up");
    }

    @Test
    void aClonesInterfaceWithItsTemplatesMacIsFoundByItsGuestNameAndGivenTheMacAsked() {
        net.updateInterface(Interface.newBuilder().setName("eth0").setDevice("enp0s3").setHwAddr("0a:58:0a:58:00:05")
                .addIPAddresses(ip("10.88.0.5", "16")).build());
        assertThat(commands).containsExactly(
                "ip link set dev enp0s3 down", "ip link set dev enp0s3 address 0a:58:0a:58:00:05",
                "ip link set dev enp0s3 name eth0", "ip addr flush dev eth0", "ip addr add 10.88.0.5/16 dev eth0",
                "ip link set dev eth0 up");
        assertThatThrownBy(() -> net.updateInterface(Interface.newBuilder().setDevice("eth9").setHwAddr("0a:58:0a:58:00:05")
                .build())).isInstanceOf(AgentException.class).hasMessageContaining("eth9");
    }

    @Test
    void loopbackIsFoundByNameAndGetsExactlyTheAddressesListed() {
        net.updateInterface(Interface.newBuilder().setName("lo").addIPAddresses(ip("127.0.0.1", "8"))
                .addIPAddresses(ip("10.0.2.2", "32")).addIPAddresses(ip("10.1.2.0", "")).build());
        assertThat(commands).containsExactly("ip addr flush dev lo", "ip addr add 127.0.0.1/8 dev lo",
                "ip addr add 10.0.2.2/32 dev lo", "ip addr add 10.1.2.0/32 dev lo", "ip link set dev lo up");
    }

    @Test
    void routesAreReplacedWithADefaultForAnEmptyDestination() {
        net.updateRoutes(List.of(Route.newBuilder().setGateway("10.0.2.2").setDevice("eth0").build(),
                Route.newBuilder().setDest("10.9.0.0/16").setDevice("eth0").setSource("10.0.2.15").setScope(253).build()));
        assertThat(commands).containsExactly("ip route replace default via 10.0.2.2 dev eth0",
                "ip route replace 10.9.0.0/16 dev eth0 src 10.0.2.15 scope 253");
    }

    @Test
    void nothingThatIsNotAnAddressOrANameReachesACommand() {
        List<Interface> bad = List.of(
                Interface.newBuilder().setName("eth0; reboot").build(),
                Interface.newBuilder().setName("eth0").setHwAddr("not-a-mac").build(),
                Interface.newBuilder().setName("eth0").setHwAddr("02:6b:00:00:00:99").build(),
                Interface.newBuilder().setName("nosuch0").build(),
                Interface.newBuilder().setName("lo").addIPAddresses(ip("10.0.0.1 dev eth0", "8")).build(),
                Interface.newBuilder().setName("lo").addIPAddresses(ip("10.0.0.1", "33")).build(),
                Interface.newBuilder().setName("lo").addIPAddresses(IPAddress.newBuilder().setFamilyValue(1).setAddress("::1")).build(),
                Interface.newBuilder().setName("lo").setMtu(10).build());
        for (Interface i : bad) {
            assertThatThrownBy(() -> net.updateInterface(i)).as(i.toString()).isInstanceOf(AgentException.class);
        }
        assertThatThrownBy(() -> net.updateRoutes(List.of(Route.newBuilder().setGateway("10.0.2.2 && reboot").build())))
                .isInstanceOf(AgentException.class);
        assertThatThrownBy(() -> net.updateRoutes(List.of(Route.newBuilder().setDest("10.0.0.0/99").build())))
                .isInstanceOf(AgentException.class);
        assertThat(commands).as("no command ran for a bad request").isEmpty();
    }
}
