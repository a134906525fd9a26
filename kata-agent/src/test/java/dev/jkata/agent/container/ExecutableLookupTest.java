package dev.jkata.agent.container;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ExecutableLookupTest {
    @TempDir
    Path root;

    private void exe(String p) throws IOException {
        Path f = root.resolve(p.substring(1));
        Files.createDirectories(f.getParent());
        Files.writeString(f, "#!/bin/sh\n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rwxr-xr-x"));
    }

    @Test
    void findsBareNamesOnThePathAndAbsolutePaths() throws IOException {
        exe("/bin/busybox");
        Files.createSymbolicLink(root.resolve("bin/sh"), Path.of("busybox"));
        assertThat(ExecutableLookup.find(root, "sh", "/usr/bin:/bin", "/").program()).hasValue("/bin/sh");
        assertThat(ExecutableLookup.find(root, "/bin/sh", "", "/").program()).hasValue("/bin/sh");
        assertThat(ExecutableLookup.find(root, "nosuch", "/usr/bin:/bin", "/").program()).isEmpty();
        assertThat(ExecutableLookup.find(root, "/no/such/program", "", "/").program()).isEmpty();
    }

    @Test
    void absoluteLinkTargetsResolveInsideTheContainerRoot() throws IOException {
        exe("/usr/bin/tool");
        Files.createDirectories(root.resolve("bin"));
        Files.createSymbolicLink(root.resolve("bin/tool"), Path.of("/usr/bin/tool"));
        Files.createSymbolicLink(root.resolve("bin/escape"), Path.of("/../../../../bin/sh"));
        assertThat(ExecutableLookup.find(root, "/bin/tool", "", "/").program()).hasValue("/bin/tool");
        assertThat(ExecutableLookup.find(root, "/bin/escape", "", "/").program()).isEmpty();
    }

    @Test
    void aNonExecutableFileIsNotAProgram() throws IOException {
        Files.createDirectories(root.resolve("bin"));
        Files.writeString(root.resolve("bin/data"), "x");
        assertThat(ExecutableLookup.find(root, "data", "/bin", "/").program()).isEmpty();
        assertThat(ExecutableLookup.find(root, "data", "/bin", "/").exitStatus()).isEqualTo(ExecutableLookup.NOT_EXECUTABLE);
        assertThat(ExecutableLookup.find(root, "/bin/data", "", "/").exitStatus()).isEqualTo(126);
        assertThat(ExecutableLookup.find(root, "nosuch", "/bin", "/").exitStatus()).isEqualTo(ExecutableLookup.NOT_FOUND);
    }

    @Test
    void aShellGoesOnPastANonExecutableFileToALaterDirectory() throws IOException {
        Files.createDirectories(root.resolve("a"));
        Files.createDirectories(root.resolve("b"));
        Files.writeString(root.resolve("a/tool"), "x");
        Path tool = Files.writeString(root.resolve("b/tool"), "#!/bin/sh\n");
        tool.toFile().setExecutable(true);
        ExecutableLookup.Result r = ExecutableLookup.find(root, "tool", "/a:/b", "/");
        assertThat(r.program()).hasValue("/b/tool");
        assertThat(r.exitStatus()).isZero();
    }
}
