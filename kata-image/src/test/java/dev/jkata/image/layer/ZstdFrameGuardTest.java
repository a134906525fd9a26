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
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** N-H1: a zstd layer may not make the host allocate the window its header declares when that is above 128 MiB. */
class ZstdFrameGuardTest {

    /** A frame declaring a window of 2^(10+exponent) bytes, then {@code blocks} RLE blocks of 128 KiB of zeros. */
    static byte[] rleFrame(int windowDescriptor, int blocks) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, 0x00, (byte) windowDescriptor});
        for (int i = 0; i < blocks; i++) {
            int last = i == blocks - 1 ? 1 : 0;
            int header = last | (1 << 1) | ((128 * 1024) << 3);
            b.writeBytes(new byte[] {(byte) header, (byte) (header >>> 8), (byte) (header >>> 16), 0});
        }
        return b.toByteArray();
    }

    private static long drain(InputStream in) throws IOException {
        long total = 0;
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = in.read(buf)) >= 0) {
            total += n;
        }
        return total;
    }

    @Test
    @Timeout(10)
    void aSixteenKibFrameDeclaringAGibWindowIsRefusedBeforeAnyAllocation() {
        byte[] bomb = rleFrame(0xA0, 4096); // 2^30 window, 512 MiB of zeros in 16 KiB
        assertThat(bomb.length).isLessThan(17 * 1024);
        long heapBefore = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertThatThrownBy(() -> drain(LayerCompression.ZSTD.decompress(new ByteArrayInputStream(bomb))))
                .isInstanceOf(ImageException.class)
                .satisfies(e -> assertThat(((ImageException) e).kind()).isEqualTo(ImageException.Kind.BAD_LAYER))
                .hasMessageContaining("window of 1073741824 bytes").hasMessageContaining("128 MiB");
        long heapAfter = Runtime.getRuntime().totalMemory() - Runtime.getRuntime().freeMemory();
        assertThat(heapAfter - heapBefore).as("bytes allocated").isLessThan(256L << 20);
    }

    @Test
    void aWindowAtTheLimitDecodes() throws IOException {
        byte[] ok = rleFrame(0x88, 8); // 2^27: exactly the limit, 1 MiB of zeros
        assertThat(drain(LayerCompression.ZSTD.decompress(new ByteArrayInputStream(ok)))).isEqualTo(8L * 128 * 1024);
    }

    @Test
    void aSingleSegmentFrameIsHeldToTheSameBound() {
        // descriptor: content-size field of 8 bytes, single segment; declares 2^40 bytes of content
        byte[] frame = {0x28, (byte) 0xb5, 0x2f, (byte) 0xfd, (byte) 0xE0, 0, 0, 0, 0, 0, 1, 0, 0};
        assertThatThrownBy(() -> drain(LayerCompression.ZSTD.decompress(new ByteArrayInputStream(frame))))
                .isInstanceOf(ImageException.class).hasMessageContaining("single segment");
    }

    @Test
    void realStreamsOfSeveralFramesPassUnchanged() throws IOException {
        byte[] data = new byte[3 << 20];
        new Random(7).nextBytes(data);
        for (int i = 0; i < data.length; i += 3) {
            data[i] = 0; // compressible, so blocks of every kind appear
        }
        ByteArrayOutputStream two = new ByteArrayOutputStream();
        for (int part = 0; part < 2; part++) {
            try (OutputStream z = new ZstdOutputStream(two)) {
                z.write(data, part * (data.length / 2), data.length / 2);
            }
        }
        InputStream in = LayerCompression.ZSTD.decompress(new ByteArrayInputStream(two.toByteArray()));
        assertThat(in.readAllBytes()).isEqualTo(data);
    }

    @Test
    void garbageAfterAFrameIsNotZstd() {
        byte[] frame = rleFrame(0x50, 1);
        byte[] withJunk = java.util.Arrays.copyOf(frame, frame.length + 4);
        withJunk[frame.length] = 0x13;
        assertThatThrownBy(() -> drain(LayerCompression.ZSTD.decompress(new ByteArrayInputStream(withJunk))))
                .isInstanceOf(Exception.class);
    }

    @Test
    void aSkippableFrameIsWalkedOverByTheGuard() throws IOException {
        // the guard passes it (the pinned decoder itself refuses skippable frames, so the guard is read alone here)
        byte[] frame = rleFrame(0x50, 1);
        byte[] skippable = {0x50, 0x2a, 0x4d, 0x18, 3, 0, 0, 0, 9, 9, 9};
        byte[] both = new byte[skippable.length + frame.length];
        System.arraycopy(skippable, 0, both, 0, skippable.length);
        System.arraycopy(frame, 0, both, skippable.length, frame.length);
        assertThat(new ZstdFrameGuard(new ByteArrayInputStream(both)).readAllBytes()).isEqualTo(both);
        byte[] big = rleFrame(0xA0, 1);
        byte[] bigAfter = new byte[skippable.length + big.length];
        System.arraycopy(skippable, 0, bigAfter, 0, skippable.length);
        System.arraycopy(big, 0, bigAfter, skippable.length, big.length);
        assertThatThrownBy(() -> new ZstdFrameGuard(new ByteArrayInputStream(bigAfter)).readAllBytes())
                .isInstanceOf(ImageException.class);
    }
}
