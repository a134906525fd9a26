package dev.jkata.guestimage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.cpio.CpioArchiveEntry;
import org.apache.commons.compress.archivers.cpio.CpioArchiveInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CpioWriterTest {
    @TempDir
    Path dir;

    @Test
    void writesNewcEntriesWithModesLinksAndContentOwnedByRoot() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("tree"));
        Files.createDirectories(tree.resolve("bin"));
        Path init = Files.writeString(tree.resolve("init"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(init, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(tree.resolve("bin/sh"), Path.of("busybox"));
        for (boolean gzip : new boolean[] {false, true}) {
            Path archive = dir.resolve("out" + gzip + ".cpio");
            CpioWriter.write(tree, archive, gzip);
            Map<String, CpioArchiveEntry> entries = new HashMap<>();
            Map<String, String> data = new HashMap<>();
            try (InputStream raw = Files.newInputStream(archive);
                 InputStream in = gzip ? new GZIPInputStream(raw) : raw;
                 CpioArchiveInputStream cpio = new CpioArchiveInputStream(in)) {
                CpioArchiveEntry e;
                while ((e = cpio.getNextCPIOEntry()) != null) {
                    entries.put(e.getName(), e);
                    data.put(e.getName(), new String(cpio.readAllBytes(), StandardCharsets.UTF_8));
                }
            }
            assertThat(entries).containsKeys("bin", "init", "bin/sh");
            assertThat(entries.get("init").getMode() & 07777).isEqualTo(0755);
            assertThat(entries.get("init").isRegularFile()).isTrue();
            assertThat(entries.get("bin").isDirectory()).isTrue();
            assertThat(entries.get("bin/sh").isSymbolicLink()).isTrue();
            assertThat(data.get("bin/sh")).isEqualTo("busybox");
            assertThat(data.get("init")).isEqualTo("#!/bin/sh\n");
            assertThat(entries.values()).allSatisfy(e -> assertThat(e.getUID()).isZero());
        }
    }

    @Test
    void theSameTreeGivesTheSameBytes() throws IOException {
        Path tree = Files.createDirectories(dir.resolve("t"));
        Files.writeString(tree.resolve("a"), "x");
        CpioWriter.write(tree, dir.resolve("1"), false);
        Files.setLastModifiedTime(tree.resolve("a"), java.nio.file.attribute.FileTime.fromMillis(1000));
        CpioWriter.write(tree, dir.resolve("2"), false);
        assertThat(Files.readAllBytes(dir.resolve("1"))).isEqualTo(Files.readAllBytes(dir.resolve("2")));
    }
}
