package dev.jkata.core.network;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.agent.protocol.forward.ForwardRequest;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.api.Network;
import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

/** The allow-list as the host enforces it: which guest addresses lead where, and what the guest listens on. */
class EgressPolicyTest {

    private static EgressPolicy policy(String... allowed) {
        return EgressPolicy.resolve(Network.nat().allow(allowed), "test");
    }

    @Test
    void theHostsLoopbackIsReachedAtTheGatewayAddressOnlyOnItsPort() {
        EgressPolicy p = policy("127.0.0.1:5432");
        assertThat(p.target("10.0.2.2", 5432)).contains(new InetSocketAddress("127.0.0.1", 5432));
        assertThat(p.target("10.0.2.2", 5433)).isEmpty();
        assertThat(p.target("127.0.0.1", 5432)).as("the guest's own loopback is not the host's").isEmpty();
        assertThat(p.guestAddresses()).containsExactly("10.0.2.2/32");
        assertThat(p.listens()).containsExactly(ForwardRequest.listen("10.0.2.2", 5432));
    }

    @Test
    void theHostNameAndLocalhostMeanTheHostsLoopbackToo() {
        EgressPolicy p = policy(Network.HOST_NAME + ":80", "localhost:81");
        assertThat(p.target("10.0.2.2", 80)).contains(new InetSocketAddress("127.0.0.1", 80));
        assertThat(p.target("10.0.2.2", 81)).contains(new InetSocketAddress("127.0.0.1", 81));
        assertThat(p.hostsLines()).as("the guest's localhost stays its own").containsExactly("10.0.2.2\t" + Network.HOST_NAME);
    }

    @Test
    void aNetworkAllowsEveryAddressInItOnItsPortAndIsListenedOnAsAWholePort() {
        EgressPolicy p = policy("10.1.2.0/24:5432", "10.1.2.9:5432", "192.0.2.7:443");
        assertThat(p.target("10.1.2.77", 5432)).contains(new InetSocketAddress("10.1.2.77", 5432));
        assertThat(p.target("10.1.3.1", 5432)).isEmpty();
        assertThat(p.target("10.1.2.77", 443)).isEmpty();
        assertThat(p.target("192.0.2.7", 443)).contains(new InetSocketAddress("192.0.2.7", 443));
        assertThat(p.target("192.0.2.8", 443)).isEmpty();
        assertThat(p.guestAddresses()).containsExactly("10.1.2.0/24", "10.1.2.9/32", "192.0.2.7/32");
        assertThat(p.listens()).containsExactly(ForwardRequest.listen("0.0.0.0", 5432), ForwardRequest.listen("192.0.2.7", 443));
    }

    @Test
    void aNetworkGivenWithHostBitsIsMasked() {
        EgressPolicy p = policy("10.1.2.200/24:22");
        assertThat(p.guestAddresses()).containsExactly("10.1.2.0/24");
        assertThat(p.target("10.1.2.1", 22)).isPresent();
    }

    @Test
    void garbageFromTheGuestIsRefused() {
        EgressPolicy p = policy("192.0.2.7:443");
        for (String bad : new String[] {"", "192.0.2", "192.0.2.7.1", "192.0.2.700", "x.y.z.w", "::1"}) {
            assertThat(p.target(bad, 443)).as(bad).isEmpty();
        }
    }

    @Test
    void anUnrestrictedNetworkHasNoRules() {
        EgressPolicy p = EgressPolicy.resolve(Network.nat(), "test");
        assertThat(p.target("10.0.2.2", 80)).isEmpty();
        assertThat(p.listens()).isEmpty();
        assertThat(p.guestAddresses()).isEmpty();
    }

    @Test
    void aNameThatDoesNotResolveOrATooWideNetworkFailsBeforeBoot() {
        assertThatThrownBy(() -> policy("no-such-host.invalid:443"))
                .isInstanceOfSatisfying(KataException.class, e -> assertThat(e.reason()).isEqualTo(KataErrorReason.NETWORK_FAILED))
                .hasMessageContaining("no-such-host.invalid").hasMessageContaining("does not resolve");
        assertThatThrownBy(() -> policy("0.0.0.0/0:443")).isInstanceOf(KataException.class).hasMessageContaining("too wide");
        assertThatThrownBy(() -> policy("127.0.0.0/8:80")).isInstanceOf(KataException.class).hasMessageContaining("loopback");
    }

    /** N-M6: 0.0.0.0 connects to the host's loopback; names a DNS answers with loopback or link-local are tricks. */
    @Test
    void zeroAddressesLinkLocalAndNamesResolvingToLoopbackAreRefused() {
        assertThatThrownBy(() -> policy("0.0.0.0:6379")).isInstanceOf(KataException.class).hasMessageContaining("0.0.0.0/8");
        assertThatThrownBy(() -> policy("0.0.0.0/8:6379")).isInstanceOf(KataException.class);
        assertThatThrownBy(() -> policy("169.254.169.254:80")).isInstanceOf(KataException.class).hasMessageContaining("metadata");
        assertThatThrownBy(() -> policy("224.0.0.1:80")).isInstanceOf(KataException.class).hasMessageContaining("multicast");
        java.util.Map<String, String> dns = java.util.Map.of("evil.test", "127.0.0.1", "meta.test", "169.254.169.254",
                "zero.test", "0.0.0.0", "fine.test", "192.0.2.10");
        java.util.function.BiFunction<Network.Destination, String, java.util.List<String>> resolver =
                (d, id) -> java.util.List.of(dns.get(d.host()));
        assertThatThrownBy(() -> EgressPolicy.resolve(Network.nat().allow("evil.test:80"), "t", resolver))
                .isInstanceOf(KataException.class).hasMessageContaining("evil.test").hasMessageContaining("loopback");
        assertThatThrownBy(() -> EgressPolicy.resolve(Network.nat().allow("meta.test:80"), "t", resolver))
                .isInstanceOf(KataException.class).hasMessageContaining("meta.test");
        assertThatThrownBy(() -> EgressPolicy.resolve(Network.nat().allow("zero.test:80"), "t", resolver))
                .isInstanceOf(KataException.class).hasMessageContaining("zero.test");
        assertThat(EgressPolicy.resolve(Network.nat().allow("fine.test:443"), "t", resolver).target("192.0.2.10", 443))
                .contains(new InetSocketAddress("192.0.2.10", 443));
        assertThat(policy("localhost:81").target("10.0.2.2", 81)).as("the literal name still means the host")
                .contains(new InetSocketAddress("127.0.0.1", 81));
    }
}
