package dev.jkata.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** QEMU dies with the JVM that launched it, even when that JVM is killed with SIGKILL. */
@Timeout(180)
class OrphanIT {
    @TempDir
    Path tmp;

    @Test
    void qemuDiesWhenItsJvmIsKilled() throws Exception {
        Path kernel = TestGuest.kernel();
        Path initrd = TestGuest.initrd(tmp, TestGuest.idleInit("JKATA-ORPHAN"));
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Process child = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
                OrphanChild.class.getName(), kernel.toString(), initrd.toString(), tmp.resolve("run").toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
        List<String> output = new ArrayList<>();
        CompletableFuture<Long> pid = CompletableFuture.supplyAsync(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    output.add(line);
                    if (line.startsWith("QEMU_PID=")) {
                        return Long.parseLong(line.substring("QEMU_PID=".length()));
                    }
                }
                return -1L;
            } catch (Exception e) {
                return -1L;
            }
        });
        long qemuPid;
        try {
            qemuPid = pid.get(90, TimeUnit.SECONDS);
            assertThat(qemuPid).as("the child printed QEMU's pid; its output: %s", output).isPositive();
            assertThat(TestGuest.isGone(qemuPid)).isFalse();
            assertThat(ProcessHandle.of(qemuPid).map(h -> h.parent().map(ProcessHandle::pid).orElse(-1L)))
                    .as("QEMU is the child JVM's direct child").contains(child.pid());
        } finally {
            child.destroyForcibly(); // SIGKILL on Linux
            child.waitFor(10, TimeUnit.SECONDS);
        }
        assertThat(TestGuest.awaitGone(qemuPid, Duration.ofSeconds(5)))
                .as("QEMU pid %d is gone within 5 s of its JVM's SIGKILL", qemuPid).isTrue();
    }
}
