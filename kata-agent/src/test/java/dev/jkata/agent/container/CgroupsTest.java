package dev.jkata.agent.container;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CgroupsTest {
    @TempDir
    Path root;

    @Test
    void theRootsControllersAreEnabledForTheContainersParent() throws Exception {
        Files.writeString(root.resolve("cgroup.controllers"), "cpu memory\n");
        Files.writeString(root.resolve("cgroup.subtree_control"), "");

        Cgroups.enableControllers(root, root.resolve("kata"));

        assertThat(root.resolve("kata")).isDirectory();
        assertThat(root.resolve("cgroup.subtree_control")).hasContent("+memory");
        assertThat(root.resolve("kata/cgroup.subtree_control")).hasContent("+memory");
    }

    @Test
    void aDirectoryWithoutCgroupFilesIsLeftAlone() {
        Cgroups.enableControllers(root, root.resolve("kata"));

        assertThat(root.resolve("kata")).doesNotExist();
    }
}
