package dev.jkata.core.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.MemorySize;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The host's half of a scratch disk, with the real mke2fs: made, private, ext4, swept when abandoned, deleted on close. */
class ScratchDiskTest {
    @TempDir
    Path tmp;

    @Test
    void aDiskIsAPrivateSparseExt4FileDeletedOnClose() throws Exception {
        Path dir = tmp.resolve("disks");
        ScratchDisk d = ScratchDisk.create(dir, "abc123", MemorySize.ofGiB(8));
        Path f = dir.resolve("abc123.img");
        assertThat(d.guestDisk().file()).isEqualTo(f);
        assertThat(Files.size(f)).isEqualTo(8L << 30);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f))).isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(dir))).isEqualTo("rwx------");
        assertThat(ext4Magic(f)).as("the ext4 superblock's magic").isEqualTo(0xEF53);
        ScratchDisk.sweep(dir);
        assertThat(f).as("a live disk is never swept").exists();
        d.close();
        assertThat(f).doesNotExist();
    }

    @Test
    void aDiskNobodyHoldsIsSweptAndOneLockedByAnotherProcessIsNot() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("disks"));
        Path abandoned = Files.createFile(dir.resolve("dead01.img"));
        Path held = Files.createFile(dir.resolve("live01.img"));
        Path other = Files.createFile(dir.resolve("notes.txt"));
        // another process's POSIX lock on the first byte, as a live sandbox in another JVM holds it
        Process holder = new ProcessBuilder("python3", "-c", "import fcntl, os, sys, time\n"
                + "fd = os.open(sys.argv[1], os.O_RDWR)\nfcntl.lockf(fd, fcntl.LOCK_EX, 1, 0)\n"
                + "print('locked', flush=True)\ntime.sleep(60)", held.toString()).redirectErrorStream(true).start();
        try {
            assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(holder.getInputStream())).readLine())
                    .isEqualTo("locked");
            ScratchDisk live = ScratchDisk.create(dir, "live02", MemorySize.ofMiB(64));
            assertThat(abandoned).as("swept by the next create").doesNotExist();
            assertThat(held).as("another JVM's live disk").exists();
            assertThat(other).as("not a disk").exists();
            ScratchDisk.sweep(dir);
            assertThat(dir.resolve("live02.img")).as("this JVM's live disk").exists();
            live.close();
        } finally {
            holder.destroyForcibly().waitFor();
        }
        ScratchDisk.sweep(dir);
        assertThat(held).as("swept once its holder is gone").doesNotExist();
    }

    @Test
    void aDiskLargerThanTheFileSystemHasFreeIsRefusedBeforeAnythingIsMade() {
        Path dir = tmp.resolve("disks");
        assertThatThrownBy(() -> ScratchDisk.create(dir, "big001", MemorySize.ofMiB(16L << 20)))
                .isInstanceOfSatisfying(InvalidConfigurationException.class, e -> assertThat(e.field()).isEqualTo("disk"))
                .hasMessageContaining("free").hasMessageContaining("noDisk()");
        assertThat(dir.resolve("big001.img")).doesNotExist();
    }

    private static int ext4Magic(Path f) throws Exception {
        try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
            ByteBuffer b = ByteBuffer.allocate(2).order(ByteOrder.LITTLE_ENDIAN);
            ch.read(b, 1024 + 0x38);
            return b.flip().getShort() & 0xFFFF;
        }
    }
}
