package dev.jkata.core.containerimage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.api.PullPolicy;
import dev.jkata.api.Registries;
import dev.jkata.image.ImageException;
import dev.jkata.image.PullListener;
import dev.jkata.image.testing.RegistryServer;
import dev.jkata.image.testing.TestImage;
import dev.jkata.image.testing.TestLayer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One sandbox's registry settings against a real registry: a login given for the sandbox pulls from a registry that
 * wants one, with no Docker config anywhere; without it the pull is refused; ALWAYS makes the registry check again.
 */
class SandboxRegistriesTest {
    @TempDir
    Path tmp;

    @Test
    void aSandboxsOwnLoginPullsAndNoLoginIsRefused() throws Exception {
        String before = System.getProperty("kata.image.store");
        System.setProperty("kata.image.store", tmp.resolve("store").toString());
        try (RegistryServer registry = RegistryServer.basicAuth("ci", "s3cret")) {
            TestImage.create().layer(TestLayer.create().dir("etc").file("etc/motd", "hi\n")).cmd("true")
                    .push(registry, "team/tiny", "1", "ci:s3cret");
            String ref = registry.host() + "/team/tiny:1";
            PullListener quiet = new PullListener() { };
            assertThatThrownBy(() -> ContainerImages.pull(ref, PullPolicy.ALWAYS, quiet, Registries.none()))
                    .isInstanceOf(ImageException.class).hasMessageContaining("credentials");
            Registries access = Registries.none().login(registry.host(), "ci", "s3cret");
            assertThat(ContainerImages.pull(ref, PullPolicy.ALWAYS, quiet, access).rootfs().resolve("etc/motd")).hasContent("hi");
            assertThatThrownBy(() -> ContainerImages.pull(ref, PullPolicy.ALWAYS, quiet,
                    Registries.none().login(registry.host(), "ci", "wrong")))
                    .isInstanceOf(ImageException.class).hasMessageNotContaining("wrong");
        } finally {
            if (before == null) {
                System.clearProperty("kata.image.store");
            } else {
                System.setProperty("kata.image.store", before);
            }
        }
    }
}
