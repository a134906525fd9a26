package dev.jkata.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.api.ExecProcess;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.KataTimeoutException;
import dev.jkata.api.Sandbox;
import dev.jkata.testkit.KataSandbox;
import dev.jkata.testkit.KataTest;
import dev.jkata.testkit.Wait;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A server in a sandbox, reached from the test as Testcontainers users reach theirs: publish the guest port, start
 * the server, wait until it answers, connect to {@code hostPort}. The guest has no network of its own.
 */
@KataTest
class WebServerSampleIT {
    @KataSandbox(publish = {80, 81})
    static Sandbox web;

    @Test
    void theTestReachesAServerInTheSandboxThroughItsPublishedPort() throws Exception {
        ExecProcess httpd = web.exec(ExecSpec.builder("sh", "-c", "mkdir -p /tmp/www && echo '<h1>hi</h1>' > /tmp/www/index.html"
                + " && echo serving && exec httpd -f -v -p 80 -h /tmp/www").build());
        assertThat(Wait.forLogLine(httpd.stdout(), "serving", Duration.ofSeconds(60))).isEqualTo("serving");
        Wait.forHttp(web, 80, "/", 200, Duration.ofSeconds(60));
        Wait.forPort(web, 80, Duration.ofSeconds(10));

        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.hostPort(80) + "/")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).isEqualTo("<h1>hi</h1>\n");
    }

    @Test
    void waitingForAPortNothingListensOnTimesOutSayingWhat() {
        assertThatThrownBy(() -> Wait.forPort(web, 81, Duration.ofSeconds(3)))
                .isInstanceOf(KataTimeoutException.class).hasMessageContaining("port 81");
    }
}
