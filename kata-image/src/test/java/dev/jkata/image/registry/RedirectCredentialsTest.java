package dev.jkata.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.jkata.api.PullPolicy;
import dev.jkata.image.ImageException;
import dev.jkata.image.PullListener;
import dev.jkata.image.store.ImageStore;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * N-L6: a registry that redirects to another host, which answers 401 with a Bearer challenge naming a realm of its
 * own: the registry's credentials must not go to that realm (the CVE-2020-15157 shape), nor to the other host.
 */
class RedirectCredentialsTest {
    @TempDir
    Path tmp;
    private HttpServer registry;
    private HttpServer elsewhere;
    private final List<String> leaked = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        if (registry != null) {
            registry.stop(0);
        }
        if (elsewhere != null) {
            elsewhere.stop(0);
        }
    }

    @Test
    void credentialsAnswerOnlyTheRegistrysOwnChallenge() throws Exception {
        elsewhere = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        String other = "127.0.0.1:" + elsewhere.getAddress().getPort();
        elsewhere.createContext("/", ex -> {
            String auth = ex.getRequestHeaders().getFirst("Authorization");
            if (auth != null) {
                leaked.add(ex.getRequestURI() + " " + auth);
            }
            if (ex.getRequestURI().getPath().startsWith("/token")) {
                ex.sendResponseHeaders(200, -1);
            } else {
                ex.getResponseHeaders().add("WWW-Authenticate", "Bearer realm=\"http://" + other + "/token\",service=\"x\"");
                ex.sendResponseHeaders(401, -1);
            }
            ex.close();
        });
        elsewhere.start();
        registry = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        registry.createContext("/", ex -> {
            if (ex.getRequestURI().getPath().equals("/v2/")) {
                ex.sendResponseHeaders(200, -1);
            } else {
                ex.getResponseHeaders().add("Location", "http://" + other + ex.getRequestURI().getPath());
                ex.sendResponseHeaders(307, -1);
            }
            ex.close();
        });
        registry.start();
        String host = "127.0.0.1:" + registry.getAddress().getPort();
        ImageStore store = ImageStore.open(tmp.resolve("store"), RegistryOptions.builder()
                .credentials(CredentialSource.of(Map.of(host, new Credentials("alice", "s3cret")))).build());
        assertThatThrownBy(() -> store.pull(host + "/team/app:1", PullPolicy.ALWAYS, PullListener.none(), Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(ImageException.Kind.UNAUTHORIZED));
        assertThat(leaked).as("requests that carried the registry's credentials elsewhere").isEmpty();
    }
}
