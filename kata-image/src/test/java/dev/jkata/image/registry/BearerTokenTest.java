package dev.jkata.image.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.api.PullPolicy;
import dev.jkata.image.ImageException;
import dev.jkata.image.ImageException.Kind;
import dev.jkata.image.PullListener;
import dev.jkata.image.store.ImageStore;
import dev.jkata.image.store.LocalImage;
import dev.jkata.image.testing.RegistryServer;
import dev.jkata.image.testing.TestImage;
import dev.jkata.image.testing.TestLayer;
import dev.jkata.image.testing.TokenServer;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Bearer token flow against a real registry (Debian's docker-registry with {@code auth: token}) and a token
 * server of the test's own: the registry's challenge sends the client to the token server, which checks the Basic
 * credentials and answers with a JWT the registry verifies against the token server's certificate.
 */
class BearerTokenTest {
    private static final Duration PULL = Duration.ofSeconds(60);
    private static final String USER = "alice";
    private static final String PASSWORD = "s3cret";
    private static TokenServer tokens;
    private static RegistryServer registry;
    private static String ref;

    @TempDir
    Path tmp;

    @BeforeAll
    static void start() throws IOException {
        tokens = TokenServer.start(USER, PASSWORD);
        try {
            registry = RegistryServer.tokenAuth(tokens);
            TestImage.create().layer(TestLayer.create().file("hello", "hi"))
                    .push(registry, "test/hello", "v1", USER + ":" + PASSWORD);
        } catch (IOException | RuntimeException e) {
            stop();
            throw e;
        }
        ref = registry.host() + "/test/hello:v1";
        // skopeo went through the token server too, asking for push and pull as alice
        assertThat(tokens.requests()).anySatisfy(r -> {
            assertThat(r.user()).isEqualTo(USER);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.scopes()).anySatisfy(s -> assertThat(s).startsWith("repository:test/hello:").contains("push"));
        });
    }

    @AfterAll
    static void stop() throws IOException {
        try {
            if (registry != null) {
                registry.close();
            }
        } finally {
            if (tokens != null) {
                tokens.close();
            }
        }
    }

    private ImageStore store(String name, CredentialSource credentials) {
        return ImageStore.open(tmp.resolve(name), RegistryOptions.builder().credentials(credentials).build());
    }

    private static CredentialSource as(String user, String password) {
        return CredentialSource.of(Map.of(registry.host(), new Credentials(user, password)));
    }

    @Test
    void theRightCredentialsGetATokenAndPull() throws IOException {
        int before = tokens.requestCount();
        LocalImage img = store("store", as(USER, PASSWORD)).pull(ref, PullPolicy.ALWAYS, PullListener.none(), PULL);
        assertThat(img.rootfs().resolve("hello")).hasContent("hi");
        List<TokenServer.Request> asked = tokens.requests().subList(before, tokens.requestCount());
        assertThat(asked).isNotEmpty().allSatisfy(r -> {
            assertThat(r.user()).isEqualTo(USER);
            assertThat(r.service()).isEqualTo(TokenServer.SERVICE);
            assertThat(r.scopes()).containsExactly("repository:test/hello:pull");
            assertThat(r.status()).isEqualTo(200);
        });
        assertThat(registry.isAlive()).isTrue();
    }

    @Test
    void wrongCredentialsAreRefusedByTheTokenServer() throws IOException {
        tokens.anonymousPull(true); // wrong credentials are refused even where anonymous ones would pass
        try {
            int before = tokens.requestCount();
            ImageStore s = store("store", as(USER, "wrong"));
            assertThatThrownBy(() -> s.pull(ref, PullPolicy.ALWAYS, PullListener.none(), PULL))
                    .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED))
                    .hasMessageContaining("check the credentials");
            assertThat(tokens.requests().subList(before, tokens.requestCount()))
                    .isNotEmpty().allSatisfy(r -> assertThat(r.status()).isEqualTo(401));
            assertThat(s.list()).isEmpty();
        } finally {
            tokens.anonymousPull(false);
        }
    }

    @Test
    void anonymousPullsOnlyWhereTheTokenServerAllowsIt() throws IOException {
        tokens.anonymousPull(false);
        ImageStore refused = store("refused", CredentialSource.none());
        assertThatThrownBy(() -> refused.pull(ref, PullPolicy.ALWAYS, PullListener.none(), PULL))
                .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAUTHORIZED))
                .hasMessageContaining("docker login");
        assertThat(refused.list()).isEmpty();

        tokens.anonymousPull(true);
        try {
            int before = tokens.requestCount();
            LocalImage img = store("anonymous", CredentialSource.none())
                    .pull(ref, PullPolicy.ALWAYS, PullListener.none(), PULL);
            assertThat(img.rootfs().resolve("hello")).hasContent("hi");
            assertThat(tokens.requests().subList(before, tokens.requestCount())).isNotEmpty().allSatisfy(r -> {
                assertThat(r.user()).isNull();
                assertThat(r.status()).isEqualTo(200);
            });
        } finally {
            tokens.anonymousPull(false);
        }
    }
}
