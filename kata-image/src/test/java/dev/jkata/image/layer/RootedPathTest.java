package dev.jkata.image.layer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RootedPathTest {
    @TempDir
    Path tmp;

    Path root;

    @BeforeEach
    void makeRoot() throws IOException {
        root = Files.createDirectory(tmp.resolve("root"));
    }

    private void link(String name, String target) throws IOException {
        Path path = root.resolve(name);
        Files.createDirectories(path.getParent());
        Files.createSymbolicLink(path, Path.of(target));
    }

    @Test
    void resolvesPlainNamesBelowTheRoot() throws IOException {
        assertThat(RootedPath.resolve(root, "/etc/passwd")).isEqualTo(root.resolve("etc/passwd"));
        assertThat(RootedPath.resolve(root, "./etc//passwd")).isEqualTo(root.resolve("etc/passwd"));
        assertThat(RootedPath.resolve(root, "")).isEqualTo(root);
        assertThat(RootedPath.resolve(root, "/")).isEqualTo(root);
    }

    @Test
    void dotDotStopsAtTheRoot() throws IOException {
        assertThat(RootedPath.resolve(root, "../../../etc/passwd")).isEqualTo(root.resolve("etc/passwd"));
        assertThat(RootedPath.resolve(root, "a/../../b")).isEqualTo(root.resolve("b"));
    }

    @Test
    void followsIntermediateLinksInsideTheRootButNotTheFinalOne() throws IOException {
        link("abs", "/etc");
        link("rel", "../../../../usr");
        link("etc/final", "/somewhere");

        assertThat(RootedPath.resolve(root, "abs/passwd")).isEqualTo(root.resolve("etc/passwd"));
        assertThat(RootedPath.resolve(root, "rel/bin/sh")).isEqualTo(root.resolve("usr/bin/sh"));
        assertThat(RootedPath.resolve(root, "abs/final")).isEqualTo(root.resolve("etc/final"));
    }

    @Test
    void followsTheFinalLinkWhenAskedToInsideTheRoot() throws IOException {
        Files.createDirectories(root.resolve("usr/etc"));
        Files.writeString(root.resolve("usr/etc/passwd"), "root:x:0:0::/root:/bin/sh\n");
        link("etc", "usr/etc");
        link("usr/etc/group", "../../../../../../usr/group");
        link("chain", "etc");

        assertThat(RootedPath.resolveFollowingFinal(root, "/etc/passwd")).hasContent("root:x:0:0::/root:/bin/sh\n");
        assertThat(RootedPath.resolveFollowingFinal(root, "etc/group")).isEqualTo(root.resolve("usr/group"));
        assertThat(RootedPath.resolveFollowingFinal(root, "chain")).isEqualTo(root.resolve("usr/etc"));
        assertThat(RootedPath.resolve(root, "chain")).isEqualTo(root.resolve("chain"));
    }

    @Test
    void dotDotAfterAFileStaysContained() throws IOException {
        Files.writeString(root.resolve("file"), "x");
        link("via", "/file/../etc");

        assertThat(RootedPath.resolve(root, "via/passwd")).isEqualTo(root.resolve("etc/passwd"));
        assertThat(RootedPath.resolve(root, "file/x/y")).isEqualTo(root.resolve("file/x/y"));
    }

    @Test
    void refusesLinkLoopsAndLongChains() throws IOException {
        link("a", "b");
        link("b", "/a");
        for (int i = 0; i < 41; i++) {
            link("l" + i, "l" + (i + 1));
        }
        Files.createDirectory(root.resolve("l41"));
        link("m0", "m1");
        for (int i = 1; i < 40; i++) {
            link("m" + i, "m" + (i + 1));
        }
        Files.createDirectory(root.resolve("m40"));

        assertThatThrownBy(() -> RootedPath.resolve(root, "a/x")).isInstanceOf(FileSystemLoopException.class);
        assertThatThrownBy(() -> RootedPath.resolveFollowingFinal(root, "a")).isInstanceOf(FileSystemLoopException.class);
        assertThatThrownBy(() -> RootedPath.resolve(root, "l0/x")).isInstanceOf(FileSystemLoopException.class);
        assertThat(RootedPath.resolve(root, "m0/x")).isEqualTo(root.resolve("m40/x"));
    }
}
