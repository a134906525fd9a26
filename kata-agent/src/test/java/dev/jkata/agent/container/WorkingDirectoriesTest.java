package dev.jkata.agent.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkingDirectoriesTest {
    @TempDir
    Path root;
    @TempDir
    Path outside;

    @Test
    void aMissingWorkingDirectoryIsMadeInsideTheRoot() {
        WorkingDirectories.ensure(root, "/sub/dir");
        assertThat(root.resolve("sub/dir")).isDirectory();
        WorkingDirectories.ensure(root, "/sub/dir");
        assertThat(root.resolve("sub/dir")).isDirectory();
    }

    @Test
    void nothingIsMadePastALinkOrADotDot() throws IOException {
        Files.createSymbolicLink(root.resolve("out"), outside);
        WorkingDirectories.ensure(root, "/out/made");
        assertThat(outside.resolve("made")).doesNotExist();
        WorkingDirectories.ensure(root, "/../escape");
        assertThat(root.getParent().resolve("escape")).doesNotExist();
        WorkingDirectories.ensure(root, "relative/dir");
        assertThat(root.resolve("relative")).doesNotExist();
    }

    @Test
    void aFileInTheWayStopsIt() throws IOException {
        Files.writeString(root.resolve("file"), "x");
        WorkingDirectories.ensure(root, "/file/dir");
        assertThat(root.resolve("file")).isRegularFile();
    }
}
