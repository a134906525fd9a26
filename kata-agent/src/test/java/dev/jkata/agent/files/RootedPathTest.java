package dev.jkata.agent.files;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resolution inside a container's root: links the container made stay inside it, however they point. */
class RootedPathTest {
    @TempDir
    Path root;

    @Test
    void dotDotAndAbsoluteAndRelativeLinksAllStayInsideTheRoot() throws Exception {
        Files.createDirectories(root.resolve("etc"));
        Files.writeString(root.resolve("etc/passwd"), "container's\n");
        Files.createDirectories(root.resolve("a/b"));
        Files.createSymbolicLink(root.resolve("a/abs"), Path.of("/etc"));
        Files.createSymbolicLink(root.resolve("a/b/up"), Path.of("../../../../../../etc"));
        Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));

        assertThat(RootedPath.resolve(root, "/../../../etc/passwd", true)).isEqualTo(root.resolve("etc/passwd"));
        assertThat(RootedPath.resolve(root, "/a/abs/passwd", true)).isEqualTo(root.resolve("etc/passwd"));
        assertThat(RootedPath.resolve(root, "/a/b/up/passwd", true)).isEqualTo(root.resolve("etc/passwd"));
        assertThat(RootedPath.resolve(root, "/a/abs", false)).as("the link itself").isEqualTo(root.resolve("a/abs"));
        assertThat(RootedPath.resolve(root, "/a/abs", true)).isEqualTo(root.resolve("etc"));
        assertThat(RootedPath.resolve(root, "/", true)).isEqualTo(root);
        assertThat(RootedPath.resolve(root, "/new-file", false)).isEqualTo(root.resolve("new-file"));
    }

    @Test
    void relativePathsLoopsKernelFilesAndMissingDirectoriesAreRefused() throws Exception {
        Files.createSymbolicLink(root.resolve("loop"), Path.of("loop"));
        Files.createSymbolicLink(root.resolve("kernel"), Path.of("/proc/self"));
        Files.writeString(root.resolve("file"), "x");
        assertThatThrownBy(() -> RootedPath.resolve(root, "etc/passwd", true)).hasMessageContaining("not an absolute path");
        assertThatThrownBy(() -> RootedPath.resolve(root, "/loop/x", true)).hasMessageContaining("symbolic links");
        assertThatThrownBy(() -> RootedPath.resolve(root, "/kernel/environ", true)).hasMessageContaining("/proc");
        assertThatThrownBy(() -> RootedPath.resolve(root, "/sys/kernel", true)).hasMessageContaining("/sys");
        assertThatThrownBy(() -> RootedPath.resolve(root, "/missing/x", true))
                .isInstanceOfSatisfying(RootedPath.Refused.class, r -> assertThat(r.missing).isTrue());
        assertThatThrownBy(() -> RootedPath.resolve(root, "/file/x", true)).hasMessageContaining("not a directory");
    }
}
