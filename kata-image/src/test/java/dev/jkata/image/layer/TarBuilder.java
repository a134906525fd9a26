package dev.jkata.image.layer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.function.Consumer;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;

/** Builds layer tars for tests, one entry per call. */
final class TarBuilder {
    static final FileTime MTIME = FileTime.from(Instant.parse("2020-01-02T03:04:05Z"));

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final TarArchiveOutputStream tar;

    TarBuilder() {
        tar = new TarArchiveOutputStream(bytes, StandardCharsets.UTF_8.name());
        tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
        tar.setBigNumberMode(TarArchiveOutputStream.BIGNUMBER_POSIX);
    }

    TarBuilder file(String name, String content) {
        return file(name, content, 0644, e -> {});
    }

    TarBuilder file(String name, String content, int mode) {
        return file(name, content, mode, e -> {});
    }

    TarBuilder file(String name, String content, int mode, Consumer<TarArchiveEntry> tweak) {
        byte[] data = content.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(name, TarConstants.LF_NORMAL, true);
        entry.setSize(data.length);
        entry.setMode(0100000 | mode);
        entry.setLastModifiedTime(MTIME);
        tweak.accept(entry);
        return add(entry, data);
    }

    TarBuilder dir(String name) {
        return dir(name, 0755);
    }

    TarBuilder dir(String name, int mode) {
        TarArchiveEntry entry = new TarArchiveEntry(name.endsWith("/") ? name : name + "/", TarConstants.LF_DIR, true);
        entry.setMode(040000 | mode);
        entry.setLastModifiedTime(MTIME);
        return add(entry, new byte[0]);
    }

    TarBuilder symlink(String name, String target) {
        return link(name, target, TarConstants.LF_SYMLINK, e -> {});
    }

    TarBuilder symlink(String name, String target, Consumer<TarArchiveEntry> tweak) {
        return link(name, target, TarConstants.LF_SYMLINK, tweak);
    }

    TarBuilder hardLink(String name, String target) {
        return link(name, target, TarConstants.LF_LINK, e -> {});
    }

    TarBuilder special(String name, byte type) {
        TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
        entry.setDevMajor(1);
        entry.setDevMinor(3);
        entry.setMode(0666);
        return add(entry, new byte[0]);
    }

    /** A hand-made GNU long name entry for the next entry. */
    TarBuilder gnuLongName(String name) {
        byte[] data = (name + "\0").getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry(TarConstants.GNU_LONGLINK, TarConstants.LF_GNUTYPE_LONGNAME, true);
        entry.setSize(data.length);
        return add(entry, data);
    }

    /** A hand-made PAX extended header for the next entry, {@code records} as they go in the tar. */
    TarBuilder paxHeader(String records) {
        byte[] data = records.getBytes(StandardCharsets.UTF_8);
        TarArchiveEntry entry = new TarArchiveEntry("PaxHeaders/next", TarConstants.LF_PAX_EXTENDED_HEADER_LC, true);
        entry.setSize(data.length);
        return add(entry, data);
    }

    byte[] build() {
        try {
            tar.finish();
            tar.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    private TarBuilder link(String name, String target, byte type, Consumer<TarArchiveEntry> tweak) {
        TarArchiveEntry entry = new TarArchiveEntry(name, type, true);
        entry.setLinkName(target);
        entry.setMode(0120777);
        entry.setLastModifiedTime(MTIME);
        tweak.accept(entry);
        return add(entry, new byte[0]);
    }

    private TarBuilder add(TarArchiveEntry entry, byte[] data) {
        try {
            tar.putArchiveEntry(entry);
            tar.write(data);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return this;
    }
}
