package dev.jkata.image.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.api.PullPolicy;
import dev.jkata.image.ImageException;
import dev.jkata.image.ImageException.Kind;
import dev.jkata.image.PullListener;
import dev.jkata.image.registry.CredentialSource;
import dev.jkata.image.registry.RegistryOptions;
import dev.jkata.image.testing.TestImage;
import dev.jkata.image.testing.TestLayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Images with no registry at all: an OCI layout directory, an OCI archive, a docker save archive (made by skopeo). */
class LocalSourcesTest {
    private static final Duration PULL = Duration.ofSeconds(60);

    @TempDir
    Path tmp;

    private ImageStore store() {
        return ImageStore.open(tmp.resolve("store"), RegistryOptions.builder().credentials(CredentialSource.none()).build());
    }

    private static TestImage image() {
        return TestImage.create().layer(TestLayer.create().file("etc/motd", "from a layout\n"))
                .layer(TestLayer.create().compression(TestLayer.Compression.ZSTD).file("etc/second", "2"))
                .cmd("cat", "/etc/motd");
    }

    @Test
    void anOciLayoutDirectoryByTag() throws IOException {
        Path layout = tmp.resolve("layout");
        image().writeLayout(layout, "v1");
        LocalImage img = store().pull("oci:" + layout + ":v1", PullPolicy.IF_MISSING, PullListener.none(), PULL);
        assertThat(img.rootfs().resolve("etc/motd")).hasContent("from a layout");
        assertThat(img.references()).containsExactly("oci:" + layout + ":v1");
        assertThat(img.config().defaultCommand()).containsExactly("cat", "/etc/motd");
        assertThatThrownBy(() -> store().pull("oci:" + layout + ":v2", PullPolicy.ALWAYS, PullListener.none(), PULL))
                .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.NOT_FOUND))
                .hasMessageContaining("v2").hasMessageContaining("v1");
    }

    @Test
    void anOciArchiveAndADockerSaveArchive() throws Exception {
        Path layout = tmp.resolve("layout");
        image().writeLayout(layout, "v1");
        Path ociTar = tmp.resolve("image.oci.tar");
        tar(layout, ociTar);
        LocalImage fromOci = store().pull("oci-archive:" + ociTar + ":v1", PullPolicy.IF_MISSING, PullListener.none(), PULL);
        assertThat(fromOci.rootfs().resolve("etc/second")).hasContent("2");

        // Docker's format has no zstd: gzip and plain layers
        Path dockerLayout = tmp.resolve("docker-layout");
        TestImage.create().layer(TestLayer.create().file("etc/motd", "from a layout\n"))
                .layer(TestLayer.create().compression(TestLayer.Compression.NONE).file("etc/second", "2"))
                .cmd("cat", "/etc/motd").writeLayout(dockerLayout, "v1");
        Path dockerTar = tmp.resolve("image.docker.tar");
        run("skopeo", "copy", "--quiet", "oci:" + dockerLayout + ":v1", "docker-archive:" + dockerTar + ":team/app:v1");
        LocalImage fromDocker = store().pull("docker-archive:" + dockerTar + ":team/app:v1", PullPolicy.IF_MISSING,
                PullListener.none(), PULL);
        assertThat(fromDocker.rootfs().resolve("etc/motd")).hasContent("from a layout");
        assertThat(fromDocker.config().defaultCommand()).containsExactly("cat", "/etc/motd");
        assertThat(store().list()).hasSize(2);
        assertNoScratch();
    }

    @Test
    void anArchiveEntryThatLeavesTheArchiveIsRefused() throws IOException {
        Path evil = tmp.resolve("evil.tar");
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(Files.newOutputStream(evil))) {
            byte[] data = "x".getBytes();
            TarArchiveEntry e = new TarArchiveEntry("../../escaped", true);
            e.setSize(data.length);
            out.putArchiveEntry(e);
            out.write(data);
            out.closeArchiveEntry();
        }
        assertThatThrownBy(() -> store().pull("oci-archive:" + evil, PullPolicy.ALWAYS, PullListener.none(), PULL))
                .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.BAD_LAYER))
                .hasMessageContaining("escaped");
        assertThat(tmp.resolve("escaped")).doesNotExist();
        assertThat(tmp.resolve("store/escaped")).doesNotExist();
        assertNoScratch();
    }

    private void assertNoScratch() throws IOException {
        try (Stream<Path> s = Files.list(tmp.resolve("store/tmp"))) {
            assertThat(s.toList()).isEmpty();
        }
    }

    private static void tar(Path dir, Path out) throws IOException {
        try (TarArchiveOutputStream t = new TarArchiveOutputStream(Files.newOutputStream(out));
             Stream<Path> files = Files.walk(dir)) {
            t.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (Path p : files.filter(Files::isRegularFile).toList()) {
                TarArchiveEntry e = new TarArchiveEntry(p.toFile(), dir.relativize(p).toString());
                t.putArchiveEntry(e);
                Files.copy(p, t);
                t.closeArchiveEntry();
            }
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
    }

}
