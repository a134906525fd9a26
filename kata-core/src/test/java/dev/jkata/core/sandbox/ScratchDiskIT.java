package dev.jkata.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.api.ExecResult;
import dev.jkata.api.MemorySize;
import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxState;
import dev.jkata.guestimage.cache.CacheDirectory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sandbox's own disk in real VMs: a 512 MiB guest writes a gibibyte into its container's root (the default disk,
 * cloned from its template), and a disk that fills is ENOSPC in the job, not a dead agent, with nothing left on the host.
 */
class ScratchDiskIT {
    @TempDir
    Path stateRoot;

    private static Path diskOf(String id) {
        return CacheDirectory.defaultLocation().root().resolve("disks").resolve(id + ".img");
    }

    @Test
    void aGuestOf512MiBWritesAGibibyteIntoItsRootAndItsRamStaysFree() throws Exception {
        String id;
        try (Sandbox sb = Sandbox.builder().memory(MemorySize.ofMiB(512)).stateRoot(stateRoot).start()) {
            id = sb.id();
            assertThat(diskOf(id)).exists();
            ExecResult r = sb.run("sh", "-c", "dd if=/dev/zero of=/big bs=1M count=1024 conv=fsync 2>/dev/null; echo rc=$?;"
                    + " wc -c < /big; awk '/MemAvailable/ {print ($2 > 200000)}' /proc/meminfo");
            assertThat(r.stdout()).as(r.stderr()).startsWith("rc=0\n").endsWith("1073741824\n1\n");
            assertThat(sb.run("sh", "-c", "rm /big && echo gone").stdout()).isEqualTo("gone\n");
        }
        assertThat(diskOf(id)).as("the disk goes with its sandbox").doesNotExist();
        Leaks.assertNoneLeft(stateRoot, id);
    }

    @Test
    void aFullDiskIsEnospcInTheJobAndTheSandboxGoesOn() throws Exception {
        String id;
        try (Sandbox sb = Sandbox.builder().disk(MemorySize.ofMiB(128)).template(false).stateRoot(stateRoot).start()) {
            id = sb.id();
            ExecResult full = sb.run("sh", "-c", "dd if=/dev/zero of=/fill bs=1M count=200");
            assertThat(full.exitCode()).isNotZero();
            assertThat(full.stderr()).contains("No space left on device");
            assertThat(sb.state()).isEqualTo(SandboxState.RUNNING);
            ExecResult after = sb.run("sh", "-c", "rm /fill && echo fine > /after && cat /after");
            assertThat(after.stdout()).as(after.stderr()).isEqualTo("fine\n");
        }
        assertThat(diskOf(id)).doesNotExist();
        Leaks.assertNoneLeft(stateRoot, id);
    }
}
