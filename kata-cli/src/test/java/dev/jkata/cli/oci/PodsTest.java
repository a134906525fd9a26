package dev.jkata.cli.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PodsTest {
    @TempDir
    Path dir;

    @Test
    void criOAndContainerdAnnotationsNameThePodAndTheRole() {
        assertThat(Pods.isSandbox(Map.of(Pods.CRIO_TYPE, "sandbox"))).isTrue();
        assertThat(Pods.isSandbox(Map.of(Pods.CRI_TYPE, "sandbox"))).isTrue();
        assertThat(Pods.isSandbox(Map.of())).isFalse();
        assertThat(Pods.sandboxOf(Map.of(Pods.CRIO_TYPE, "container", Pods.CRIO_SANDBOX, "pod1"), "c1")).contains("pod1");
        assertThat(Pods.sandboxOf(Map.of(Pods.CRI_TYPE, "container", Pods.CRI_SANDBOX, "pod2"), "c1")).contains("pod2");
        assertThat(Pods.sandboxOf(Map.of(), "c1")).as("no annotations: a VM of its own").isEmpty();
        assertThat(Pods.sandboxOf(Map.of(Pods.CRIO_TYPE, "sandbox", Pods.CRIO_SANDBOX, "c1"), "c1")).isEmpty();
        assertThat(Pods.sandboxOf(Map.of(Pods.CRIO_TYPE, "container", Pods.CRIO_SANDBOX, "c1"), "c1"))
                .as("a container naming itself is the pod's first").isEmpty();
    }

    @Test
    void aMemberWithoutItsSandboxOrWithABadIdIsRefused() {
        assertThatThrownBy(() -> Pods.sandboxOf(Map.of(Pods.CRIO_TYPE, "container"), "c1"))
                .isInstanceOf(RuntimeFailure.class).hasMessageContaining("names no sandbox");
        assertThatThrownBy(() -> Pods.sandboxOf(Map.of(Pods.CRI_TYPE, "container", Pods.CRI_SANDBOX, "../x"), "c1"))
                .isInstanceOf(RuntimeFailure.class).hasMessageContaining("invalid container id");
    }

    @Test
    void podRootsNeverDeleteWhatIsInAnEntry() throws Exception {
        PodRoots roots = new PodRoots(dir.resolve("pod")).create();
        // an entry whose mount did not come undone looks like this: a directory with files in it
        Path entry = Files.createDirectory(roots.of("c1"));
        Files.writeString(entry.resolve("precious"), "keep");
        roots.release("c1");
        roots.removeAll();
        assertThat(entry.resolve("precious")).hasContent("keep");
        Files.delete(entry.resolve("precious"));
        roots.removeAll();
        assertThat(roots.dir()).doesNotExist();
    }

    @Test
    void aRootThatIsNotADirectoryIsRefusedAndLeavesNoEntry() {
        PodRoots roots = new PodRoots(dir.resolve("pod")).create();
        assertThatThrownBy(() -> roots.bind("c1", dir.resolve("missing"))).isInstanceOf(RuntimeFailure.class)
                .hasMessageContaining("not a directory");
        assertThatThrownBy(() -> roots.of("../escape")).isInstanceOf(RuntimeFailure.class);
        assertThat(roots.of("c1")).doesNotExist();
    }
}
