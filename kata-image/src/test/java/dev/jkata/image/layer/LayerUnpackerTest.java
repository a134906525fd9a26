package dev.jkata.image.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.image.ImageException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LayerUnpackerTest {
    private static final String IMAGE = "example.com/app:1";
    private static final String LAYER = "sha256:0123abcd";
    private static final LinkOption NOFOLLOW = LinkOption.NOFOLLOW_LINKS;

    @TempDir
    Path tmp;

    Path root;
    Path outside;

    @BeforeEach
    void makeRootAndOutside() throws IOException {
        root = Files.createDirectory(tmp.resolve("root"));
        outside = Files.createDirectory(tmp.resolve("outside"));
        Files.writeString(outside.resolve("marker"), "untouched");
    }

    private LayerStats apply(byte[] tar) {
        return LayerUnpacker.apply(root, new ByteArrayInputStream(tar), IMAGE, LAYER, Ownership.NATIVE);
    }

    private void assertRefused(byte[] tar, String entry) throws IOException {
        assertThatThrownBy(() -> apply(tar)).isInstanceOfSatisfying(ImageException.class, e -> {
            assertThat(e.kind()).isEqualTo(ImageException.Kind.BAD_LAYER);
            assertThat(e.getMessage()).contains(IMAGE, LAYER, "'" + entry + "'", "rebuild the image");
        });
        assertOutsideUntouched();
    }

    private void assertOutsideUntouched() throws IOException {
        try (Stream<Path> files = Files.list(outside)) {
            assertThat(files).containsExactly(outside.resolve("marker"));
        }
        assertThat(outside.resolve("marker")).hasContent("untouched");
        try (Stream<Path> files = Files.list(tmp)) {
            assertThat(files).containsExactlyInAnyOrder(root, outside);
        }
    }

    private static int mode(Path path) throws IOException {
        return (Integer) Files.getAttribute(path, "unix:mode", NOFOLLOW) & 07777;
    }

    private static String unique() {
        return "jkata-test-" + UUID.randomUUID();
    }

    @Test
    void writesRegularFileContentModeAndTime() throws IOException {
        LayerStats stats = apply(new TarBuilder().file("usr/bin/tool", "#!/bin/sh\n", 0750).build());

        Path tool = root.resolve("usr/bin/tool");
        assertThat(tool).hasContent("#!/bin/sh\n");
        assertThat(mode(tool)).isEqualTo(0750);
        assertThat(Files.getLastModifiedTime(tool)).isEqualTo(TarBuilder.MTIME);
        assertThat(mode(root.resolve("usr"))).isEqualTo(0755);
        assertThat(stats).isEqualTo(new LayerStats(1, 10, 0, 0));
    }

    @Test
    void keepsSetuidAndStickyBitsAsRoot() throws IOException {
        apply(new TarBuilder().file("bin/su", "x", 04755).dir("tmp", 01777).build());

        assertThat(mode(root.resolve("bin/su"))).isEqualTo(04755);
        assertThat(mode(root.resolve("tmp"))).isEqualTo(01777);
    }

    @Test
    void keepCallerDropsSetuidAndKeepsDirectoriesUsable() throws IOException {
        byte[] tar = new TarBuilder().file("bin/su", "x", 04755).dir("ro", 0555).build();
        LayerUnpacker.apply(root, new ByteArrayInputStream(tar), IMAGE, LAYER, Ownership.KEEP_CALLER);

        assertThat(mode(root.resolve("bin/su"))).isEqualTo(0755);
        assertThat(mode(root.resolve("ro"))).isEqualTo(0755);
    }

    @Test
    void directoryMetadataIsAppliedAfterItsChildren() throws IOException {
        apply(new TarBuilder().dir("ro", 0555).file("ro/inner", "data").dir("ro/sub", 0500).file("ro/sub/f", "y")
                .build());

        assertThat(root.resolve("ro/sub/f")).hasContent("y");
        assertThat(mode(root.resolve("ro"))).isEqualTo(0555);
        assertThat(mode(root.resolve("ro/sub"))).isEqualTo(0500);
        assertThat(Files.getLastModifiedTime(root.resolve("ro"))).isEqualTo(TarBuilder.MTIME);
        assertThat(Files.getLastModifiedTime(root.resolve("ro/sub"))).isEqualTo(TarBuilder.MTIME);
    }

    @Test
    void keepsAnExistingDirectoryAndUpdatesItsMode() throws IOException {
        apply(new TarBuilder().dir("etc", 0700).file("etc/lower", "1").build());
        apply(new TarBuilder().dir("etc", 0711).file("etc/upper", "2").build());

        assertThat(root.resolve("etc/lower")).hasContent("1");
        assertThat(root.resolve("etc/upper")).hasContent("2");
        assertThat(mode(root.resolve("etc"))).isEqualTo(0711);
    }

    @Test
    void replacesFilesAndLinksByDirectoriesAndDirectoriesByFiles() throws IOException {
        apply(new TarBuilder().file("a", "file").symlink("b", "/" + outside).dir("c").file("c/deep", "z").build());
        apply(new TarBuilder().dir("a").dir("b").file("b/new", "n").file("c", "now a file").build());

        assertThat(root.resolve("a")).isDirectory();
        assertThat(Files.isSymbolicLink(root.resolve("b"))).isFalse();
        assertThat(root.resolve("b/new")).hasContent("n");
        assertThat(root.resolve("c")).isRegularFile().hasContent("now a file");
        assertOutsideUntouched();
    }

    @Test
    void replacingAFileDoesNotFollowALinkInItsPlace() throws IOException {
        apply(new TarBuilder().symlink("victim", outside.resolve("marker").toString()).build());
        apply(new TarBuilder().file("victim", "replaced").build());

        assertThat(Files.isSymbolicLink(root.resolve("victim"))).isFalse();
        assertThat(root.resolve("victim")).hasContent("replaced");
        assertOutsideUntouched();
    }

    @Test
    void storesSymlinkTargetsVerbatim() throws IOException {
        apply(new TarBuilder().symlink("abs", "/usr/lib/../lib64/x").symlink("rel", "../../../etc/shadow")
                .symlink("dangling", "nowhere").build());

        assertThat(Files.readSymbolicLink(root.resolve("abs"))).hasToString("/usr/lib/../lib64/x");
        assertThat(Files.readSymbolicLink(root.resolve("rel"))).hasToString("../../../etc/shadow");
        assertThat(Files.readSymbolicLink(root.resolve("dangling"))).hasToString("nowhere");
        assertThat(Files.getLastModifiedTime(root.resolve("abs"), NOFOLLOW)).isEqualTo(TarBuilder.MTIME);
    }

    @Test
    void makesHardLinks() throws IOException {
        apply(new TarBuilder().file("bin/busybox", "bb", 0755).hardLink("bin/sh", "bin/busybox")
                .hardLink("usr/bin/env", "./bin/busybox").build());

        assertThat(Files.isSameFile(root.resolve("bin/sh"), root.resolve("bin/busybox"))).isTrue();
        assertThat(Files.getAttribute(root.resolve("usr/bin/env"), "unix:nlink")).isEqualTo(3);
    }

    @Test
    void refusesAHardLinkClimbingOutOfTheRoot() throws IOException {
        assertRefused(new TarBuilder().hardLink("passwd", "../../etc/passwd").build(), "passwd");
        assertThat(root.resolve("passwd")).doesNotExist();
    }

    @Test
    void refusesAHardLinkToASymlinkPointingOutside() throws IOException {
        byte[] tar = new TarBuilder().symlink("s", outside.resolve("marker").toString())
                .symlink("t", "../outside/marker").hardLink("h", "s").build();
        assertRefused(tar, "h");
        assertRefused(new TarBuilder().hardLink("h2", "t").build(), "h2");
        assertThat(root.resolve("h")).doesNotExist();
    }

    @Test
    void refusesAHardLinkToAMissingFileOrADirectory() throws IOException {
        assertRefused(new TarBuilder().hardLink("h", "missing").build(), "h");
        assertRefused(new TarBuilder().dir("d").hardLink("h", "d").build(), "h");
    }

    @Test
    void refusesANameClimbingOutOfTheRoot() throws IOException {
        assertRefused(new TarBuilder().file("../x", "escaped").build(), "../x");
        assertRefused(new TarBuilder().file("a/../../outside/x", "escaped").build(), "a/../../outside/x");
    }

    @Test
    void normalisesHarmlessDotDot() throws IOException {
        apply(new TarBuilder().file("./a/b/../c", "ok").build());

        assertThat(root.resolve("a/c")).hasContent("ok");
        assertThat(root.resolve("a/b")).doesNotExist();
    }

    @Test
    void putsAbsoluteNamesInsideTheRoot() throws IOException {
        String name = unique();
        apply(new TarBuilder().file("/etc/" + name, "inside").build());

        assertThat(root.resolve("etc/" + name)).hasContent("inside");
        assertThat(Path.of("/etc", name)).doesNotExist();
    }

    @Test
    void followsALinkToSlashInsideTheRoot() throws IOException {
        String name = unique();
        apply(new TarBuilder().symlink("a", "/").file("a/etc/" + name, "evil").build());

        assertThat(root.resolve("etc/" + name)).hasContent("evil");
        assertThat(Path.of("/etc", name)).doesNotExist();
        assertThat(Files.readSymbolicLink(root.resolve("a"))).hasToString("/");
    }

    @Test
    void followsAnAbsoluteLinkToTheHostsOutsideDirectoryInsideTheRoot() throws IOException {
        apply(new TarBuilder().symlink("a", outside.toString()).file("a/evil", "evil").build());

        assertThat(root.resolve(root.getRoot().relativize(outside)).resolve("evil")).hasContent("evil");
        assertOutsideUntouched();
    }

    @Test
    void keepsAClimbingLinkFromAnEarlierLayerInsideTheRoot() throws IOException {
        String name = unique();
        apply(new TarBuilder().dir("x").symlink("x/up", "../../..").symlink("x/out", "../../outside").build());
        apply(new TarBuilder().file("x/up/" + name, "evil").file("x/out/evil", "evil").build());

        assertThat(root.resolve(name)).hasContent("evil");
        assertThat(root.resolve("outside/evil")).hasContent("evil");
        assertThat(Path.of("/", name)).doesNotExist();
        assertThat(tmp.getParent().resolve(name)).doesNotExist();
        assertOutsideUntouched();
    }

    @Test
    void removesWhitedOutFilesAndTreesOfEarlierLayers() throws IOException {
        apply(new TarBuilder().file("etc/gone", "1").file("etc/kept", "2").dir("var/cache").file("var/cache/a/b", "3")
                .symlink("link", outside.toString()).build());
        LayerStats stats = apply(new TarBuilder().file("etc/.wh.gone", "").file("var/.wh.cache", "")
                .file(".wh.link", "").file("etc/.wh.never-was", "").build());

        assertThat(root.resolve("etc/gone")).doesNotExist();
        assertThat(root.resolve("etc/kept")).hasContent("2");
        assertThat(root.resolve("var/cache")).doesNotExist();
        assertThat(root.resolve("var")).isDirectory();
        assertThat(root.resolve("link")).doesNotExist();
        assertThat(root.resolve("etc/.wh.gone")).doesNotExist();
        assertThat(stats.whiteouts()).isEqualTo(4);
        assertOutsideUntouched();
    }

    @Test
    void aWhiteoutNeverHidesItsOwnLayersEntry() throws IOException {
        apply(new TarBuilder().file("f", "lower").build());
        apply(new TarBuilder().file("f", "upper").file(".wh.f", "").build());

        assertThat(root.resolve("f")).hasContent("upper");
    }

    @Test
    void opaqueDirectoryKeepsThisLayersEntriesAndDropsLowerOnes() throws IOException {
        apply(new TarBuilder().dir("d").file("d/lower", "1").dir("d/sub").file("d/sub/lower", "2")
                .file("d/both", "lower").build());
        apply(new TarBuilder().dir("d").file("d/early", "e").file("d/both", "upper").dir("d/sub")
                .file("d/sub/new", "n").file("d/.wh..wh..opq", "").file("d/late", "l").build());

        try (Stream<Path> files = Files.walk(root.resolve("d"))) {
            assertThat(files.map(p -> root.resolve("d").relativize(p).toString()))
                    .containsExactlyInAnyOrder("", "early", "both", "sub", "sub/new", "late");
        }
        assertThat(root.resolve("d/both")).hasContent("upper");
    }

    @Test
    void skipsAndCountsDeviceNodesAndFifos() throws IOException {
        LayerStats stats = apply(new TarBuilder().dir("dev").special("dev/null", TarConstants.LF_CHR)
                .special("dev/sda", TarConstants.LF_BLK).special("run/fifo", TarConstants.LF_FIFO)
                .file("dev/.wh..wh.plnk", "").build());

        assertThat(root.resolve("dev/null")).doesNotExist();
        assertThat(root.resolve("dev/sda")).doesNotExist();
        assertThat(root.resolve("run/fifo")).doesNotExist();
        assertThat(root.resolve("dev/.wh..wh.plnk")).doesNotExist();
        assertThat(stats).isEqualTo(new LayerStats(5, 0, 0, 4));
    }

    @Test
    void refusesASymlinkLoop() throws IOException {
        assertRefused(new TarBuilder().symlink("a", "b").symlink("b", "a").file("a/x", "x").build(), "a/x");
    }

    @Test
    void refusesTooLongNames() throws IOException {
        String longName = "d/" + String.join("/", Collections.nCopies(20, "y".repeat(240)));
        assertThat(longName.length()).isGreaterThan(EntryNames.MAX_NAME_BYTES);
        assertThatThrownBy(() -> apply(new TarBuilder().file(longName, "x").build()))
                .isInstanceOfSatisfying(ImageException.class,
                        e -> assertThat(e.kind()).isEqualTo(ImageException.Kind.BAD_LAYER))
                .hasMessageContaining("longer than 4096 bytes");
        assertThatThrownBy(() -> apply(new TarBuilder().gnuLongName("z".repeat(70_000)).file("short", "x").build()))
                .isInstanceOfSatisfying(ImageException.class,
                        e -> assertThat(e.kind()).isEqualTo(ImageException.Kind.BAD_LAYER))
                .hasMessageContaining("GNU long name");
        assertOutsideUntouched();
    }

    @Test
    void refusesAnOversizedPaxHeader() throws IOException {
        byte[] tar = new TarBuilder().file("f", "x", 0644,
                e -> e.addPaxHeader("SCHILY.xattr.user.big", "v".repeat(2 * 1024 * 1024))).build();

        assertThatThrownBy(() -> apply(tar)).isInstanceOfSatisfying(ImageException.class,
                e -> assertThat(e.kind()).isEqualTo(ImageException.Kind.BAD_LAYER)).hasMessageContaining("PAX header");
    }

    @Test
    void refusesANulInANameOrLinkTarget() throws IOException {
        assertRefused(new TarBuilder().paxHeader("16 linkpath=a\0b\n").symlink("nul-link", "x").build(),
                "nul-link");
        assertThatThrownBy(() -> apply(new TarBuilder().paxHeader("12 path=a\0b\n").file("f", "x").build()))
                .isInstanceOfSatisfying(ImageException.class,
                        e -> assertThat(e.kind()).isEqualTo(ImageException.Kind.BAD_LAYER))
                .hasMessageContaining("a\\u0000b").hasMessageContaining("NUL");
        assertOutsideUntouched();
    }

    @Test
    void refusesATruncatedLayer() throws IOException {
        byte[] tar = new TarBuilder().file("big", "b".repeat(100_000)).build();
        byte[] cut = Arrays.copyOf(tar, 50_000);

        assertRefused(cut, "big");
        assertThatThrownBy(() -> apply(cut)).hasMessageContaining("truncated");
    }

    @Test
    void refusesGarbage() throws IOException {
        byte[] garbage = "this is not a tar archive at all".repeat(40).getBytes(StandardCharsets.UTF_8);

        assertThatThrownBy(() -> apply(garbage)).isInstanceOfSatisfying(ImageException.class,
                e -> assertThat(e.kind()).isEqualTo(ImageException.Kind.BAD_LAYER)).hasMessageContaining(LAYER);
    }

    @Test
    void refusesAFileUnderAFile() throws IOException {
        assertRefused(new TarBuilder().file("f", "x").file("f/g", "y").build(), "f/g");
    }

    @Test
    void nativeOwnershipSetsNumericIds() throws IOException {
        apply(new TarBuilder().file("owned", "x", 0640, e -> e.setIds(1234, 99))
                .symlink("owned-link", "owned", e -> e.setIds(1234, 99)).dir("home/user").build());

        for (Path p : List.of(root.resolve("owned"), root.resolve("owned-link"))) {
            assertThat(Files.getAttribute(p, "unix:uid", NOFOLLOW)).isEqualTo(1234);
            assertThat(Files.getAttribute(p, "unix:gid", NOFOLLOW)).isEqualTo(99);
        }
        assertThat(Files.getAttribute(root.resolve("home/user"), "unix:uid")).isEqualTo(0);
    }

    @Test
    void appliesTheRootEntrysMetadata() throws IOException {
        apply(new TarBuilder().dir("./", 0751).file("f", "x").build());

        assertThat(mode(root)).isEqualTo(0751);
        assertThat(Files.getLastModifiedTime(root)).isEqualTo(TarBuilder.MTIME);
    }

    @Test
    void refusesALayerWithAMissingRoot() {
        assertThatThrownBy(() -> LayerUnpacker.apply(tmp.resolve("none"), new ByteArrayInputStream(new byte[0]),
                IMAGE, LAYER, Ownership.NATIVE)).isInstanceOfSatisfying(ImageException.class,
                        e -> assertThat(e.kind()).isEqualTo(ImageException.Kind.STORE_FAILED));
    }

    @Test
    void thisProcessRunsAsRootHere() {
        assertThat(Ownership.forThisProcess()).isSameAs(Ownership.NATIVE);
    }
}
