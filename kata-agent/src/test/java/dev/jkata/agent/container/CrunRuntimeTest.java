package dev.jkata.agent.container;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class CrunRuntimeTest {
    @TempDir
    Path tmp;

    @Test
    void anInitramfsRootNeedsNoPivot() throws Exception {
        Path mountinfo = Files.writeString(tmp.resolve("mountinfo"), """
                1 1 0:2 / / rw - rootfs rootfs rw,size=243816k
                22 1 0:21 / /proc rw,relatime - proc proc rw
                25 1 0:5 / /dev rw,relatime - devtmpfs devtmpfs rw
                """);
        assertThat(CrunRuntime.rootIsInitramfs(mountinfo)).isTrue();
    }

    @Test
    void aRootSwitchedToADiskPivots() throws Exception {
        Path mountinfo = Files.writeString(tmp.resolve("mountinfo"), """
                1 1 0:2 / / rw - rootfs rootfs rw
                20 1 259:0 / / ro,relatime shared:1 - ext4 /dev/pmem0 ro
                22 20 0:21 / /proc rw,relatime - proc proc rw
                """);
        assertThat(CrunRuntime.rootIsInitramfs(mountinfo)).isFalse();
        assertThat(CrunRuntime.rootIsInitramfs(tmp.resolve("missing"))).isFalse();
    }
}
