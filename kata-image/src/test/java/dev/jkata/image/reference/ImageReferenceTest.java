package dev.jkata.image.reference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.image.ImageException;
import java.util.List;
import org.junit.jupiter.api.Test;

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
}
