package dev.jkata.image.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.image.ImageException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** N-M1: tiny layers that unpack to far more than they are are refused at the image's budget, within seconds. */
@Timeout(60)
class BombsTest {
    private static final long BUDGET = 8L << 20;
    @TempDir
    Path tmp;

    private Path root() throws Exception {
        return Files.createDirectories(tmp.resolve("root"));
    }

    @Test
    void aSparseEntryWhoseHolesReadBackAsZerosStopsAtTheBudget() throws Exception {
        Path src = Files.createDirectories(tmp.resolve("src"));
        try (RandomAccessFile f = new RandomAccessFile(src.resolve("hole").toFile(), "rw")) {
            f.setLength(1L << 30); // a 1 GiB hole: nothing on disk
        }
        Path tar = tmp.resolve("sparse.tar");
        Process p = new ProcessBuilder("tar", "--sparse", "--format=pax", "-cf", tar.toString(), "-C", src.toString(), "hole")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as("GNU tar: %s", out).isZero();
        assertThat(Files.size(tar)).as("the layer on the wire").isLessThan(64 * 1024);
        try (InputStream in = Files.newInputStream(tar)) {
            Path root = root();
            assertThatThrownBy(() -> LayerUnpacker.apply(root, in, "img:1", "sha256:ab", Ownership.forThisProcess(), BUDGET))
                    .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(ImageException.Kind.BAD_LAYER))
                    .hasMessageContaining(ImageLimits.MAX_UNPACKED_PROPERTY);
        }
    }

    @Test
    void aGzipRatioBombStopsAtTheBudget() throws Exception {
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (org.apache.commons.compress.archivers.tar.TarArchiveOutputStream t =
                     new org.apache.commons.compress.archivers.tar.TarArchiveOutputStream(tar)) {
            t.setBigNumberMode(org.apache.commons.compress.archivers.tar.TarArchiveOutputStream.BIGNUMBER_POSIX);
            org.apache.commons.compress.archivers.tar.TarArchiveEntry e =
                    new org.apache.commons.compress.archivers.tar.TarArchiveEntry("zeros");
            long size = 64L << 20;
            e.setSize(size);
            t.putArchiveEntry(e);
            byte[] zeros = new byte[1 << 20];
            for (long done = 0; done < size; done += zeros.length) {
                t.write(zeros);
            }
            t.closeArchiveEntry();
        }
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(gz)) {
            tar.writeTo(z);
        }
        assertThat(gz.size()).isLessThan(1 << 20);
        Path root = root();
        assertThatThrownBy(() -> LayerUnpacker.apply(root, LayerCompression.GZIP.decompress(
                new ByteArrayInputStream(gz.toByteArray())), "img:1", "sha256:ab", Ownership.forThisProcess(), BUDGET))
                .isInstanceOfSatisfying(ImageException.class, e -> assertThat(e.kind()).isEqualTo(ImageException.Kind.BAD_LAYER));
        assertThat(Files.size(root.resolve("zeros"))).as("written before the refusal").isLessThanOrEqualTo(BUDGET);
    }

    @Test
    void theBudgetIsASettingWithAClearError() {
        System.setProperty(ImageLimits.MAX_UNPACKED_PROPERTY, "lots");
        try {
            assertThatThrownBy(ImageLimits::maxUnpackedBytes).hasMessageContaining("16g");
            System.setProperty(ImageLimits.MAX_UNPACKED_PROPERTY, "2g");
            assertThat(ImageLimits.maxUnpackedBytes()).isEqualTo(2L << 30);
        } finally {
            System.clearProperty(ImageLimits.MAX_UNPACKED_PROPERTY);
        }
        assertThat(ImageLimits.maxUnpackedBytes()).isEqualTo(ImageLimits.DEFAULT_MAX_UNPACKED);
    }
}
