package dev.jkata.image.layer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.image.testing.TestLayer;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Owners, modes and links kept in extended attributes, as 9p's mapped-xattr model reads them: no privilege needed. */
class MappedOwnershipTest {
    @TempDir
    Path tmp;

    @Test
    void ownersModesAndLinksGoIntoExtendedAttributesAndLinksStayContained() throws Exception {
        Path root = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        byte[] layer1 = TestLayer.create().compression(TestLayer.Compression.NONE)
                .dir("etc").file("bin/su", "x".getBytes(), 04755, 0, 0)
                .file("home/app/notes", "mine".getBytes(), 0640, 1000, 1001)
                .symlink("escape", "/etc").symlink("up", "../../../" + outside.getFileName()).tar();
        byte[] layer2 = TestLayer.create().compression(TestLayer.Compression.NONE)
                .file("escape/evil", "contained").file("up/also", "contained").tar();
        LayerUnpacker.apply(root, new ByteArrayInputStream(layer1), "img", "sha256:" + "a".repeat(64), Ownership.MAPPED_XATTR);
        LayerUnpacker.apply(root, new ByteArrayInputStream(layer2), "img", "sha256:" + "b".repeat(64), Ownership.MAPPED_XATTR);

        Path su = root.resolve("bin/su");
        assertThat(MappedXattr.mode(su)).isEqualTo(MappedXattr.S_IFREG | 04755);
        assertThat(MappedXattr.owner(su)).containsExactly(0, 0);
        assertThat((int) Files.getAttribute(su, "unix:mode") & 07777).as("the host file is no set-uid file").isEqualTo(0600);
        assertThat(MappedXattr.owner(root.resolve("home/app/notes"))).containsExactly(1000, 1001);
        assertThat(MappedXattr.mode(root.resolve("home/app/notes")) & 07777).isEqualTo(0640);

        Path link = root.resolve("escape");
        assertThat(Files.isSymbolicLink(link)).as("no link on the host").isFalse();
        assertThat(Files.readString(link)).isEqualTo("/etc");
        assertThat(MappedXattr.mode(link)).isEqualTo(MappedXattr.S_IFLNK | 0777);
        assertThat(root.resolve("etc/evil")).hasContent("contained");
        assertThat(Path.of("/etc/evil")).doesNotExist();
        assertThat(root.resolve(outside.getFileName()).resolve("also")).hasContent("contained");
        try (var s = Files.list(outside)) {
            assertThat(s.toList()).isEmpty();
        }
        assertThat(MappedXattr.mode(root.resolve("etc")) & 0170000).isEqualTo(MappedXattr.S_IFDIR);
        assertThat(RootedPath.resolve(root, "escape/evil", true, true)).isEqualTo(root.resolve("etc/evil"));
        assertThat(Files.isRegularFile(root.resolve("escape"), LinkOption.NOFOLLOW_LINKS)).isTrue();
    }
}
