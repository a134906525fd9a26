package dev.jkata.core.sandbox;

import dev.jkata.agent.client.ContainerConfig;
import dev.jkata.agent.client.GuestDetails;
import dev.jkata.agent.client.OciSpecs;
import dev.jkata.agent.client.ProcessConfig;
import dev.jkata.agent.client.StorageMount;
import dev.jkata.agent.protocol.proto.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

class WritableLayerTest {
    @TempDir
    Path root;

    private static final GuestDetails JKATA = new GuestDetails("jkata", List.of("9p", "ephemeral", "local", "overlayfs"));
    private static final GuestDetails KATA_1 = new GuestDetails("1.13.0-alpha0",
            List.of("blk", "9p", "virtio-fs", "ephemeral", "mmioblk", "local", "scsi", "nvdimm"));

    @Test
    void anAgentWithTheOverlayDriverMakesTheLayerAndTheRootStaysWritable() throws Exception {
        Files.createDirectories(root.resolve("run"));
        WritableLayer w = WritableLayer.of(JKATA);

        assertThat(w.byAgent()).isTrue();
        assertThat(w.rootReadonly()).isFalse();
        assertThat(w.scratchDirs(root)).isEmpty();
    }

    @Test
    void withoutItEmptyScratchDirectoriesGetATmpfsAndTheRootIsReadOnly() throws Exception {
        Files.createDirectories(root.resolve("run"));
        Files.createDirectories(root.resolve("var/tmp"));
        Files.createDirectories(root.resolve("var/log"));
        Files.writeString(root.resolve("var/log/keep.log"), "x"); // a tmpfs would hide it
        Files.createDirectories(root.resolve("elsewhere"));
        Files.createSymbolicLink(root.resolve("home"), root.resolve("elsewhere")); // not followed
        WritableLayer w = WritableLayer.of(KATA_1);

        assertThat(w.byAgent()).isFalse();
        assertThat(w.rootReadonly()).isTrue();
        assertThat(w.scratchDirs(root)).containsExactly("/run", "/var/tmp");
    }

    @Test
    void theSpecCarriesTheReadOnlyRootAndTheScratchMounts() {
        ProcessConfig init = new ProcessConfig(List.of("/bin/sleep", "1"), Map.of(), "/", 0, 0, false);
        Spec spec = OciSpecs.spec(new ContainerConfig("c1", "e1", List.of(), "/run/kata-containers/shared/containers",
                init, "h", List.of(), true, List.of("/run")));

        assertThat(spec.getRoot().getReadonly()).isTrue();
        assertThat(spec.getMountsList()).anySatisfy(m -> {
            assertThat(m.getDestination()).isEqualTo("/run");
            assertThat(m.getType()).isEqualTo("tmpfs");
        });
    }

    @Test
    void aNinePeeMountPointEndsInASlashAsKatasDoes() {
        assertThat(StorageMount.ninePee("kataShared", "/run/kata-containers/shared/containers", true).mountPoint())
                .isEqualTo("/run/kata-containers/shared/containers/");
        assertThat(StorageMount.ninePee("jkshare0", "/run/kata-containers/shared/jkshare0/", false).mountPoint())
                .isEqualTo("/run/kata-containers/shared/jkshare0/");
    }
}
