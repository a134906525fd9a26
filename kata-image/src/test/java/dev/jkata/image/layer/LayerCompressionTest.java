package dev.jkata.image.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.image.ImageException;
import io.airlift.compress.zstd.ZstdOutputStream;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerCompressionTest {
    @TempDir
    Path root;

    @Test
    void mapsLayerMediaTypes() {
        assertThat(LayerCompression.ofMediaType("application/vnd.oci.image.layer.v1.tar"))
                .isEqualTo(LayerCompression.NONE);
        assertThat(LayerCompression.ofMediaType("application/vnd.oci.image.layer.v1.tar+gzip"))
                .isEqualTo(LayerCompression.GZIP);
        assertThat(LayerCompression.ofMediaType("application/vnd.oci.image.layer.v1.tar+zstd"))
                .isEqualTo(LayerCompression.ZSTD);
        assertThat(LayerCompression.ofMediaType("application/vnd.oci.image.layer.nondistributable.v1.tar"))
                .isEqualTo(LayerCompression.NONE);
        assertThat(LayerCompression.ofMediaType("application/vnd.oci.image.layer.nondistributable.v1.tar+gzip"))
                .isEqualTo(LayerCompression.GZIP);
        assertThat(LayerCompression.ofMediaType("application/vnd.oci.image.layer.nondistributable.v1.tar+zstd"))
                .isEqualTo(LayerCompression.ZSTD);
        assertThat(LayerCompression.ofMediaType("application/vnd.docker.image.rootfs.diff.tar.gzip"))
                .isEqualTo(LayerCompression.GZIP);
        assertThat(LayerCompression.ofMediaType("application/vnd.docker.image.rootfs.diff.tar"))
                .isEqualTo(LayerCompression.NONE);
    }

    @Test
    void refusesUnknownMediaTypesNamingThem() {
        assertThatThrownBy(() -> LayerCompression.ofMediaType("application/vnd.oci.image.layer.v1.tar+bzip2"))
                .isInstanceOfSatisfying(ImageException.class,
                        e -> assertThat(e.kind()).isEqualTo(ImageException.Kind.UNSUPPORTED))
                .hasMessageContaining("'application/vnd.oci.image.layer.v1.tar+bzip2'");
        assertThatThrownBy(() -> LayerCompression.ofMediaType(null)).isInstanceOf(ImageException.class);
    }

    @Test
    void sniffsMagicNumbers() {
        assertThat(LayerCompression.sniff(new byte[] {0x1f, (byte) 0x8b, 8, 0})).isEqualTo(LayerCompression.GZIP);
        assertThat(LayerCompression.sniff(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0}))
                .isEqualTo(LayerCompression.ZSTD);
        assertThat(LayerCompression.sniff(new byte[] {0x28, (byte) 0xb5})).isEqualTo(LayerCompression.NONE);
        assertThat(LayerCompression.sniff("usr/".getBytes())).isEqualTo(LayerCompression.NONE);
        assertThat(LayerCompression.sniff(new byte[0])).isEqualTo(LayerCompression.NONE);
    }

    @Test
    void gzipRoundTripIncludingConcatenatedMembers() throws IOException {
        byte[] tar = layer();
        int half = tar.length / 2;
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        gz.write(compress(Arrays.copyOfRange(tar, 0, half), true));
        gz.write(compress(Arrays.copyOfRange(tar, half, tar.length), true));

        assertUnpacks(gz.toByteArray(), LayerCompression.GZIP);
    }

    @Test
    void zstdRoundTrip() throws IOException {
        assertUnpacks(compress(layer(), false), LayerCompression.ZSTD);
    }

    @Test
    void plainTarPassesThrough() throws IOException {
        assertUnpacks(layer(), LayerCompression.NONE);
    }

    private void assertUnpacks(byte[] blob, LayerCompression expected) throws IOException {
        LayerCompression compression = LayerCompression.sniff(Arrays.copyOf(blob, 8));
        assertThat(compression).isEqualTo(expected);
        try (InputStream tar = compression.decompress(new ByteArrayInputStream(blob))) {
            LayerStats stats = LayerUnpacker.apply(root, tar, "img", "sha256:feed", Ownership.KEEP_CALLER);
            assertThat(stats.entries()).isEqualTo(3);
        }
        assertThat(root.resolve("etc/motd")).hasContent("hello ".repeat(5000));
        assertThat(Files.readSymbolicLink(root.resolve("etc/issue"))).hasToString("motd");
    }

    private static byte[] layer() {
        return new TarBuilder().dir("etc").file("etc/motd", "hello ".repeat(5000)).symlink("etc/issue", "motd").build();
    }

    private static byte[] compress(byte[] data, boolean gzip) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream out = gzip ? new GZIPOutputStream(bytes) : new ZstdOutputStream(bytes)) {
            out.write(data);
        }
        return bytes.toByteArray();
    }
}
