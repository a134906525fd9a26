package dev.jkata.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class NetworkTest {

    @Test
    void noneIsTheDefaultAndNatIsUnrestricted() {
        assertThat(Sandbox.builder().toSpec().network()).isEqualTo(Network.none());
        assertThat(Network.none().isNat()).isFalse();
        assertThat(Network.nat().isNat()).isTrue();
        assertThat(Network.nat().isRestricted()).isFalse();
        assertThat(Network.nat().allowed()).isEmpty();
    }

    @Test
    void anAllowListKeepsItsEntriesInOrderAndAccumulates() {
        Network n = Network.nat().allow("repo.example:443", "10.1.2.0/24:5432").allow("127.0.0.1:8080");
        assertThat(n.isRestricted()).isTrue();
        assertThat(n.allowed()).containsExactly(new Network.Destination("repo.example", 32, 443),
                new Network.Destination("10.1.2.0", 24, 5432), new Network.Destination("127.0.0.1", 32, 8080));
        assertThat(n.allowed().get(1).isAddress()).isTrue();
        assertThat(n.allowed().get(0).isAddress()).isFalse();
        assertThat(n.toString()).isEqualTo("nat, allowing [repo.example:443, 10.1.2.0/24:5432, 127.0.0.1:8080]");
        assertThat(Network.nat()).as("the original is unchanged").isEqualTo(Network.nat()).isNotEqualTo(n);
    }

    @ParameterizedTest
    @ValueSource(strings = {"repo.example", "repo.example:", "repo.example:0", "repo.example:65536", "repo.example:http",
            ":443", "[::1]:443", "10.1.2.0/33:5432", "repo.example/24:80", "300.1.1.1:80", "a b:80", "-bad.example:80",
            "10.1.2.0/x:80", "repo.example:443:1"})
    void anEntryThatDoesNotParseIsATypedErrorNamingIt(String entry) {
        assertThatThrownBy(() -> Network.nat().allow(entry))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> {
                    assertThat(e.field()).isEqualTo("network");
                    assertThat(e.getMessage()).contains(entry.isEmpty() ? "''" : entry.substring(0, Math.min(entry.length(), 6)));
                });
    }

    @Test
    void noneAllowsNothingAndAnEmptyListIsRefused() {
        assertThatThrownBy(() -> Network.none().allow("a.example:1")).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("nat().allow");
        assertThatThrownBy(() -> Network.nat().allow()).isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> Network.nat().allow((String) null)).isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> Sandbox.builder().network(null)).isInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void aModeNameAndAnAllowListMakeANetwork() {
        assertThat(Network.of("none")).isEqualTo(Network.none());
        assertThat(Network.of("nat")).isEqualTo(Network.nat());
        assertThat(Network.of("nat", "a.example:1")).isEqualTo(Network.nat().allow("a.example:1"));
        assertThatThrownBy(() -> Network.of("bridge")).isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("bridge");
        assertThatThrownBy(() -> Network.of("none", "a.example:1")).isInstanceOf(InvalidConfigurationException.class);
    }

    @Test
    void publishedPortsParseDockersForms() {
        assertThat(PublishedPort.parse("80")).isEqualTo(new PublishedPort(80, "127.0.0.1", 0));
        assertThat(PublishedPort.parse("8080:80")).isEqualTo(new PublishedPort(80, "127.0.0.1", 8080));
        assertThat(PublishedPort.parse(":80")).isEqualTo(new PublishedPort(80, "127.0.0.1", 0));
        assertThat(PublishedPort.parse("0.0.0.0:8080:80")).isEqualTo(new PublishedPort(80, "0.0.0.0", 8080));
        assertThat(PublishedPort.of(5432).toString()).isEqualTo("127.0.0.1:*->5432");
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "x", "0", "65536", "8080:0", "70000:80", "host:8080:80", "1.2.3.4:5:6:7", "999.0.0.1:80:80"})
    void badPublishedPortsAreTypedErrors(String text) {
        assertThatThrownBy(() -> PublishedPort.parse(text))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.field()).isEqualTo("publish"));
    }

    @Test
    void aGuestPortOrAFixedHostPortIsPublishedOnce() {
        SandboxBuilder b = Sandbox.builder().publish(80).publish(new PublishedPort(81, "127.0.0.1", 9000));
        assertThatThrownBy(() -> b.publish(80)).isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("twice");
        assertThatThrownBy(() -> b.publish(new PublishedPort(82, "127.0.0.1", 9000)))
                .isInstanceOf(InvalidConfigurationException.class).hasMessageContaining("9000");
        assertThat(b.publish(83).toSpec().ports()).extracting(PublishedPort::guestPort).containsExactly(80, 81, 83);
    }

    @Test
    void aNamespaceIsAnAbsolutePathAndTakesNoAllowList() {
        Network n = Network.of("ns:/run/netns/pod1");
        assertThat(n).isEqualTo(Network.namespace(java.nio.file.Path.of("/run/netns/pod1")))
                .isInstanceOf(Network.Namespace.class);
        assertThat(n.isNat()).isFalse();
        assertThat(n.allowed()).isEmpty();
        assertThat(n.toString()).isEqualTo("namespace /run/netns/pod1");
        assertThatThrownBy(() -> Network.of("ns:relative")).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("absolute");
        assertThatThrownBy(() -> Network.namespace(null)).isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> n.allow("a.example:1")).isInstanceOf(InvalidConfigurationException.class)
                .hasMessageContaining("nat().allow");
        assertThatThrownBy(() -> Network.of("ns:/run/netns/pod1", "a.example:1")).isInstanceOf(InvalidConfigurationException.class);
        assertThatThrownBy(() -> Sandbox.builder().network(n).pool(1).toSpec())
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.field()).isEqualTo("pool"));
    }
}
