package dev.jkata.core.template;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.qemu.HostUser;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** N-M5: a template whose RAM or state changed, or whose files are not this user's own and private, is never cloned. */
class TemplateIntegrityTest {
    private static final long RAM = 1 << 20;
    @TempDir
    Path cache;

    private Path built(String name) throws Exception {
        Path t = Files.createDirectory(cache.resolve(name), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        try (RandomAccessFile ram = new RandomAccessFile(t.resolve(Template.RAM).toFile(), "rw")) {
            ram.setLength(RAM);
        }
        Files.setPosixFilePermissions(t.resolve(Template.RAM), PosixFilePermissions.fromString("rw-------"));
        Files.writeString(t.resolve(Template.STATE), "device state");
        Template.writeMeta(t, "key");
        return t;
    }

    @Test
    void aWholeTemplateOpens() throws Exception {
        assertThat(Template.open(built("ok"), RAM)).isPresent();
    }

    @Test
    void ramWrittenAfterTheBuildIsRefusedAndTheTemplateRemoved() throws Exception {
        Path t = built("written");
        Thread.sleep(10);
        try (RandomAccessFile ram = new RandomAccessFile(t.resolve(Template.RAM).toFile(), "rw")) {
            ram.seek(4096);
            ram.write(0x90); // same size: only the identity tells
        }
        assertThat(Template.open(t, RAM)).isEmpty();
        assertThat(t).doesNotExist();
    }

    @Test
    void ramReplacedByAnotherFileIsRefused() throws Exception {
        Path t = built("replaced");
        Path other = cache.resolve("other-ram");
        try (RandomAccessFile ram = new RandomAccessFile(other.toFile(), "rw")) {
            ram.setLength(RAM);
        }
        Files.setPosixFilePermissions(other, PosixFilePermissions.fromString("rw-------"));
        Files.move(other, t.resolve(Template.RAM), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertThat(Template.open(t, RAM)).isEmpty();
    }

    @Test
    void aTruncatedStateIsRefused() throws Exception {
        Path t = built("truncated");
        Files.writeString(t.resolve(Template.STATE), "device");
        assertThat(Template.open(t, RAM)).isEmpty();
    }

    @Test
    void filesOthersCanWriteOrOwnAreRefused() throws Exception {
        Path t = built("shared");
        Files.setPosixFilePermissions(t.resolve(Template.RAM), PosixFilePermissions.fromString("rw-rw-rw-"));
        assertThat(Template.open(t, RAM)).isEmpty();
        if (HostUser.effectiveUid() == 0) {
            Path u = built("foreign");
            Files.setAttribute(u.resolve(Template.META), "unix:uid", 65534);
            assertThat(Template.open(u, RAM)).as("a template another user planted").isEmpty();
        }
    }
}
