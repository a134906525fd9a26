package dev.jkata.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.qemu.config.RunPaths;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QemuLeftoversTest {
    @TempDir
    Path root;

    @Test
    void theQemuThePidFileNamesIsKilledAndNoOther() throws Exception {
        Path run = Files.createDirectory(root.resolve("cccccccccccc"));
        Path pidFile = run.resolve(RunPaths.PID_FILE);
        Process qemu = standIn(pidFile);
        Process bystander = standIn(root.resolve("cccccccccccc0").resolve(RunPaths.PID_FILE)); // a prefix is no match
        try {
            Files.writeString(pidFile, qemu.pid() + "\n");

            assertThat(QemuLeftovers.killAbandoned(run)).isTrue();

            assertThat(qemu.waitFor(5, TimeUnit.SECONDS)).as("the abandoned QEMU is killed").isTrue();
            assertThat(bystander.isAlive()).isTrue();
        } finally {
            qemu.destroyForcibly();
            bystander.destroyForcibly();
        }
    }

    @Test
    void aPidFileNamingAnotherProcessKillsNothing() throws Exception {
        Path run = Files.createDirectory(root.resolve("dddddddddddd"));
        Process other = standIn(root.resolve("elsewhere").resolve(RunPaths.PID_FILE));
        try {
            Files.writeString(run.resolve(RunPaths.PID_FILE), other.pid() + "\n");
            assertThat(QemuLeftovers.killAbandoned(run)).isFalse();
            assertThat(other.isAlive()).isTrue();
        } finally {
            other.destroyForcibly();
        }
    }

    @Test
    void anAbsentOrGarbledPidFileIsNothingToKill() throws Exception {
        Path run = Files.createDirectory(root.resolve("eeeeeeeeeeee"));
        assertThat(QemuLeftovers.killAbandoned(run)).isFalse();
        Files.writeString(run.resolve(RunPaths.PID_FILE), "not a pid");
        assertThat(QemuLeftovers.killAbandoned(run)).isFalse();
        assertThat(QemuLeftovers.killAbandoned(root.resolve("absent"))).isFalse();
    }

    @Test
    void theKillCheckMatchesThePidFileArgumentExactly() throws Exception {
        Path pidFile = root.resolve("dddddddddddd").resolve(RunPaths.PID_FILE);
        Process p = standIn(pidFile);
        try {
            assertThat(QemuLeftovers.namesPidFile(p.pid(), pidFile)).isTrue();
            assertThat(QemuLeftovers.namesPidFile(p.pid(), root.resolve("dddddddddd").resolve(RunPaths.PID_FILE))).isFalse();
            assertThat(QemuLeftovers.namesPidFile(ProcessHandle.current().pid(), pidFile)).isFalse();
        } finally {
            p.destroyForcibly();
        }
    }

    /** A process whose arguments hold {@code -pidfile FILE}, as QEMU's do. */
    private static Process standIn(Path pidFile) throws Exception {
        return new ProcessBuilder("sh", "-c", "sleep 60; true", "qemu", "-pidfile", pidFile.toString()).start();
    }
}
