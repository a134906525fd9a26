package dev.jkata.guestimage.kernel;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

class PvhKernelTest {
    @TempDir
    Path dir;

    @Test
    void anXzBzImageWithAPvhEntryYieldsItsElf() throws IOException {
        byte[] elf = elf(true);
        Path out = dir.resolve("vmlinux");
        assertThat(PvhKernel.extract(write(bzImage(xz(elf))), out)).contains(out);
        assertThat(Files.readAllBytes(out)).isEqualTo(elf);
        assertThat(dir.resolve("vmlinux.tmp")).doesNotExist();
    }

    @Test
    void aKernelWithoutThePvhNoteIsLeftCompressed() throws IOException {
        Path out = dir.resolve("vmlinux");
        assertThat(PvhKernel.extract(write(bzImage(xz(elf(false)))), out)).isEmpty();
        assertThat(out).doesNotExist();
        assertThat(dir.resolve("vmlinux.tmp")).doesNotExist();
    }

    @Test
    void aGzipPayloadOrNotABzImageIsLeftAlone() throws IOException {
        byte[] gzip = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3};
        assertThat(PvhKernel.extract(write(bzImage(gzip)), dir.resolve("a"))).isEmpty();
        assertThat(PvhKernel.extract(write(new byte[4096]), dir.resolve("b"))).isEmpty();
    }

    private Path write(byte[] image) throws IOException {
        return Files.write(dir.resolve("vmlinuz"), image);
    }

    private static byte[] xz(byte[] data) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (XZOutputStream x = new XZOutputStream(b, new LZMA2Options())) {
            x.write(data);
        }
        return b.toByteArray();
    }

    /** A boot-protocol 2.08 header with setup_sects 1, the payload right after the setup, its size appended. */
    private static byte[] bzImage(byte[] payload) {
        int pm = 2 * 512;
        ByteBuffer b = ByteBuffer.allocate(pm + payload.length + 4).order(ByteOrder.LITTLE_ENDIAN);
        b.put(0x1f1, (byte) 1);
        b.putInt(0x202, 0x53726448);
        b.putShort(0x206, (short) 0x020f);
        b.putInt(0x248, 0);
        b.putInt(0x24c, payload.length);
        b.put(pm, payload);
        b.putInt(pm + payload.length, 12345);
        return b.array();
    }

    /** A 64-bit ELF header and one PT_NOTE holding a Xen note of type 18 (or 6 without the PVH entry). */
    private static byte[] elf(boolean pvh) {
        ByteBuffer b = ByteBuffer.allocate(64 + 56 + 24).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(0, 0x464c457f).put(4, (byte) 2).put(5, (byte) 1).put(6, (byte) 1);
        b.putLong(32, 64).putShort(54, (short) 56).putShort(56, (short) 1);
        b.putInt(64, 4).putLong(64 + 8, 120).putLong(64 + 32, 24);
        b.putInt(120, 4).putInt(124, 8).putInt(128, pvh ? 18 : 6).put(132, (byte) 'X').put(133, (byte) 'e').put(134, (byte) 'n');
        return b.array();
    }
}
