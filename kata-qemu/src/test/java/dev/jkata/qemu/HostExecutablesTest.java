package dev.jkata.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HostExecutablesTest {
    @TempDir
    Path tmp;

    @Test
    void findsAnExecutableOnTheGivenPathFirst() throws Exception {
        Path bin = Files.createDirectory(tmp.resolve("bin"));
        Path tool = Files.writeString(bin.resolve("sh"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(tool, PosixFilePermissions.fromString("rwxr-xr-x"));
        assertThat(HostExecutables.find("sh", tmp + ":" + bin)).contains(tool);
    }

    @Test
    void skipsNonExecutablesAndFallsBackToSystemDirectories() throws Exception {
        Path bin = Files.createDirectory(tmp.resolve("bin"));
        Files.writeString(bin.resolve("sh"), "not executable");
        assertThat(HostExecutables.find("sh", bin.toString())).hasValueSatisfying(p -> assertThat(p).isNotEqualTo(bin.resolve("sh")));
        assertThat(HostExecutables.find("no-such-tool-jkata", null)).isEmpty();
    }
}
