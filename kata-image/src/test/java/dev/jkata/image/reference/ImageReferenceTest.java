package dev.jkata.image.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.image.ImageException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageReferenceTest {
    private static final String DIGEST = "sha256:" + "ab".repeat(32);

    @Test
    void normalisesAsDockerDoes() {
        assertThat(ImageReference.parse("alpine").toString()).isEqualTo("docker.io/library/alpine:latest");
        assertThat(ImageReference.parse("user/app:1").toString()).isEqualTo("docker.io/user/app:1");
        assertThat(ImageReference.parse("index.docker.io/library/x:2").registry()).isEqualTo("docker.io");
        assertThat(ImageReference.parse("alpine").apiHost()).isEqualTo("registry-1.docker.io");
        ImageReference local = ImageReference.parse("127.0.0.1:5000/team/app:1");
        assertThat(local.registry()).isEqualTo("127.0.0.1:5000");
        assertThat(local.repository()).isEqualTo("team/app");
        assertThat(local.isLoopback()).isTrue();
        assertThat(ImageReference.parse("localhost/app").isLoopback()).isTrue();
        assertThat(ImageReference.parse("reg.example.com/a/b").isLoopback()).isFalse();
        ImageReference both = ImageReference.parse("reg.example.com/a/b:v1@" + DIGEST);
        assertThat(both.tag()).contains("v1");
        assertThat(both.manifestKey()).isEqualTo(DIGEST);
        assertThat(ImageReference.parse(both.toString())).isEqualTo(both);
    }

    @Test
    void badReferencesSayWhatIsWrong() {
        for (String bad : List.of("", "   ", "UPPER/case", "name:", "a@sha256:xyz", "a@md5:" + "0".repeat(32),
                "a:" + "t".repeat(129), "a..b", "-a", "x".repeat(500))) {
            assertThatThrownBy(() -> ImageReference.parse(bad)).as(bad)
                    .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(ImageException.Kind.BAD_REFERENCE))
                    .hasMessageContaining("reference");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            alpine                   | docker.io       | library/alpine | latest | docker.io/library/alpine:latest
            alpine:3.20              | docker.io       | library/alpine | 3.20   | docker.io/library/alpine:3.20
            user/app:1               | docker.io       | user/app       | 1      | docker.io/user/app:1
            docker.io/user/app       | docker.io       | user/app       | latest | docker.io/user/app:latest
            index.docker.io/x        | docker.io       | library/x      | latest | docker.io/library/x:latest
            index.docker.io/u/x:2    | docker.io       | u/x            | 2      | docker.io/u/x:2
            localhost/app            | localhost       | app            | latest | localhost/app:latest
            localhost:5000/a/b:t     | localhost:5000  | a/b            | t      | localhost:5000/a/b:t
            127.0.0.1:5000/team/app:1 | 127.0.0.1:5000 | team/app       | 1      | 127.0.0.1:5000/team/app:1
            [::1]:5000/a             | [::1]:5000      | a              | latest | [::1]:5000/a:latest
            reg.example.com/a_b/c-d.e__f:v1.2-rc_3 | reg.example.com | a_b/c-d.e__f | v1.2-rc_3 | reg.example.com/a_b/c-d.e__f:v1.2-rc_3
            """)
    void normalisesEachForm(String text, String registry, String repository, String tag, String normalised) {
        ImageReference ref = ImageReference.parse(text);

        assertThat(ref.registry()).isEqualTo(registry);
        assertThat(ref.repository()).isEqualTo(repository);
        assertThat(ref.tag()).contains(tag);
        assertThat(ref.digest()).isEmpty();
        assertThat(ref.manifestKey()).isEqualTo(tag);
        assertThat(ref.toString()).isEqualTo(normalised);
        assertThat(ImageReference.parse(ref.toString())).isEqualTo(ref);
    }

    @Test
    void aDigestAloneHasNoTag() {
        ImageReference ref = ImageReference.parse("reg.example.com/a/b/c@" + DIGEST);

        assertThat(ref.registry()).isEqualTo("reg.example.com");
        assertThat(ref.repository()).isEqualTo("a/b/c");
        assertThat(ref.tag()).isEmpty();
        assertThat(ref.digest()).contains(DIGEST);
        assertThat(ref.manifestKey()).isEqualTo(DIGEST);
        assertThat(ref.toString()).isEqualTo("reg.example.com/a/b/c@" + DIGEST);
        assertThat(ImageReference.parse(ref.toString())).isEqualTo(ref);
    }

    @Test
    void aTagAndADigestAreBothKeptAndTheDigestIsRequested() {
        ImageReference ref = ImageReference.parse("alpine:3.20@" + DIGEST);

        assertThat(ref).isEqualTo(new ImageReference("docker.io", "library/alpine", Optional.of("3.20"), Optional.of(DIGEST)));
        assertThat(ref.manifestKey()).isEqualTo(DIGEST);
        assertThat(ref.toString()).isEqualTo("docker.io/library/alpine:3.20@" + DIGEST);
        assertThat(ImageReference.parse(ref.toString())).isEqualTo(ref);
    }

    @Test
    void withDigestPinsAndKeepsTheTag() {
        ImageReference pinned = ImageReference.parse("localhost:5000/a:t").withDigest(DIGEST);

        assertThat(pinned.tag()).contains("t");
        assertThat(pinned.digest()).contains(DIGEST);
        assertThat(pinned.manifestKey()).isEqualTo(DIGEST);
        assertThat(pinned.toString()).isEqualTo("localhost:5000/a:t@" + DIGEST);
    }

    @ParameterizedTest
    @CsvSource({
            "alpine, registry-1.docker.io",
            "docker.io/user/app, registry-1.docker.io",
            "index.docker.io/x, registry-1.docker.io",
            "localhost:5000/a, localhost:5000",
            "reg.example.com/a, reg.example.com",
            "'[::1]:5000/a', '[::1]:5000'"})
    void apiHostIsDockerHubsApiOrTheRegistryItself(String text, String apiHost) {
        assertThat(ImageReference.parse(text).apiHost()).isEqualTo(apiHost);
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost/a", "localhost:5000/a", "127.0.0.1/a", "127.0.0.1:5000/a", "127.1.2.3:80/a",
            "[::1]/a", "[::1]:5000/a"})
    void loopbackRegistries(String text) {
        assertThat(ImageReference.parse(text).isLoopback()).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"alpine", "reg.example.com/a", "reg.example.com:5000/a", "10.0.0.1:5000/a",
            "localhost.example.com/a", "[::2]:5000/a", "128.0.0.1/a",
            "127.example.com/a", "127.0.0.1.nip.io:5000/a"})
    void otherRegistriesAreNotLoopback(String text) {
        assertThat(ImageReference.parse(text).isLoopback()).isFalse();
    }

    @Test
    void aReferenceNeedsATagOrADigest() {
        assertThatThrownBy(() -> new ImageReference("docker.io", "library/a", Optional.empty(), Optional.empty()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tag or a digest");
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @CsvSource(delimiter = '|', textBlock = """
            ''                    | is empty
            '   '                 | is empty
            Alpine                | path component 'Alpine'
            user/App:1            | path component 'App'
            name:                 | has tag ''
            a@sha256:xyz          | has digest sha256:xyz
            a@md5:0123456789abcdef0123456789abcdef | has digest md5:0123456789abcdef0123456789abcdef
            a..b                  | path component 'a..b'
            -a                    | path component '-a'
            a/-b                  | path component '-b'
            a//b                  | path component ''
            a:-t                  | has tag '-t'
            reg.example.com:abc/a:1 | names registry 'reg.example.com:abc'
            """)
    void refusalsNameTheProblem(String text, String problem) {
        assertThatThrownBy(() -> ImageReference.parse(text))
                .isInstanceOfSatisfying(ImageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ImageException.Kind.BAD_REFERENCE);
                    assertThat(e.image()).isPresent();
                })
                .hasMessageContaining(problem);
    }

    @Test
    void refusesNull() {
        assertThatThrownBy(() -> ImageReference.parse(null))
                .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(ImageException.Kind.BAD_REFERENCE))
                .hasMessageContaining("is empty");
    }

    @Test
    void aTagOf128CharactersIsAcceptedAnd129IsNot() {
        String max = "t".repeat(128);
        assertThat(ImageReference.parse("a:" + max).tag()).contains(max);

        String tooLong = "t".repeat(129);
        assertThatThrownBy(() -> ImageReference.parse("a:" + tooLong))
                .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(ImageException.Kind.BAD_REFERENCE))
                .hasMessageContaining("has tag '" + tooLong + "'")
                .hasMessageContaining("up to 128");
    }

    @Test
    void aTooLongReferenceIsRefusedWithoutEchoingItWhole() {
        String text = "a/".repeat(300) + "b";

        assertThatThrownBy(() -> ImageReference.parse(text))
                .isInstanceOfSatisfying(ImageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(ImageException.Kind.BAD_REFERENCE);
                    assertThat(e.image()).hasValueSatisfying(i -> assertThat(i).hasSizeLessThan(50).endsWith("..."));
                })
                .hasMessageContaining("is longer than 455 characters");
    }
}
