package dev.jkata.core.network;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.api.PublishedPort;
import dev.jkata.api.Sandbox;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** An image's ExposedPorts, published on request: TCP only, never twice, the caller's own choice first. */
class ExposedPortsTest {

    @Test
    void onlyOnRequestAndOnlyTcpPortsNotPublishedAlready() {
        Set<String> exposed = Set.of("80/tcp", "53/udp", "8080", "443/tcp", "junk", "99999/tcp");
        assertThat(SandboxNetwork.withExposed(Sandbox.builder().publish(9).toSpec(), exposed))
                .containsExactly(PublishedPort.of(9));
        assertThat(SandboxNetwork.withExposed(Sandbox.builder().publish(new PublishedPort(80, "127.0.0.1", 8000))
                .publishExposedPorts().toSpec(), exposed))
                .containsExactly(new PublishedPort(80, "127.0.0.1", 8000), PublishedPort.of(443), PublishedPort.of(8080));
    }
}
