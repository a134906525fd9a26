package dev.jkata.agent.storage;

import dev.jkata.agent.errors.AgentException;
import dev.jkata.agent.fakes.FakeMounter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StorageManagerTest {
    @TempDir
    Path tmp;
    final FakeMounter mounter = new FakeMounter();
    final StorageManager storages = new StorageManager(mounter);

    @Test
    void aMountPointIsMountedOnceAndUnmountedWithItsLastReference() {
        StorageSpec share = new StorageSpec("9p", "kataShared", "9p", List.of(), tmp.resolve("share").toString());
        StorageManager.Ref a = storages.acquire(share);
        StorageManager.Ref b = storages.acquire(share);

        assertThat(mounter.calls()).containsExactly("mount 9p kataShared " + tmp.resolve("share") + " trans=virtio,version=9p2000.L");
        storages.release(a);
        assertThat(mounter.calls()).hasSize(1);
        storages.release(b);
        assertThat(mounter.calls()).last().isEqualTo("unmount " + tmp.resolve("share"));
        assertThat(storages.mountPoints()).isEmpty();
    }

    @Test
    void ephemeralIsATmpfsAndLocalIsADirectory() {
        storages.acquire(new StorageSpec("ephemeral", "tmpfs", "tmpfs", List.of("size=1m"), tmp.resolve("e").toString()));
        storages.acquire(new StorageSpec("local", "", "", List.of(), tmp.resolve("l").toString()));

        assertThat(mounter.calls()).containsExactly("mount tmpfs tmpfs " + tmp.resolve("e") + " size=1m");
        assertThat(tmp.resolve("l")).isDirectory();
    }

    @Test
    void anotherStorageOnAMountedPointIsRefused() {
        storages.acquire(new StorageSpec("9p", "kataShared", "9p", List.of(), tmp.resolve("m").toString()));

        assertThatThrownBy(() -> storages.acquire(new StorageSpec("9p", "other", "9p", List.of(), tmp.resolve("m").toString())))
                .isInstanceOfSatisfying(AgentException.class, e -> assertThat(e.reason()).isEqualTo(AgentException.Reason.ALREADY_EXISTS));
    }

    @Test
    void relativeOrUnnormalizedMountPointsAndUnknownDriversAreInvalid() {
        for (StorageSpec bad : List.of(
                new StorageSpec("9p", "s", "9p", List.of(), "relative"),
                new StorageSpec("9p", "s", "9p", List.of(), tmp + "/a/../../etc"),
                new StorageSpec("virtio-blk", "s", "ext4", List.of(), tmp.resolve("b").toString()))) {
            assertThatThrownBy(() -> storages.acquire(bad)).isInstanceOfSatisfying(AgentException.class,
                    e -> assertThat(e.reason()).isEqualTo(AgentException.Reason.INVALID_ARGUMENT));
        }
    }

    @Test
    void acquireAllGivesBackWhatItTookWhenOneFails() {
        List<StorageSpec> specs = List.of(
                new StorageSpec("9p", "kataShared", "9p", List.of(), tmp.resolve("ok").toString()),
                new StorageSpec("bogus", "x", "x", List.of(), tmp.resolve("bad").toString()));

        assertThatThrownBy(() -> storages.acquireAll(specs)).isInstanceOf(AgentException.class);
        assertThat(storages.mountPoints()).isEmpty();
        assertThat(mounter.calls()).last().isEqualTo("unmount " + tmp.resolve("ok"));
    }

    @Test
    void aBlockDeviceHasItsBuffersDroppedBeforeItIsMountedAndNeedsADeviceNodeAndAType() {
        storages.acquire(new StorageSpec("blk", "/dev/vda", "ext4", List.of("discard"), tmp.resolve("disk").toString()));

        assertThat(mounter.calls()).containsExactly("flushbufs /dev/vda", "mount ext4 /dev/vda " + tmp.resolve("disk") + " discard");
        assertThat(StorageManager.DRIVERS).contains("blk", "9p", "overlayfs");
        assertThatThrownBy(() -> storages.acquire(new StorageSpec("blk", "/etc/../dev/vda", "ext4", List.of(), tmp.resolve("x").toString())))
                .isInstanceOf(AgentException.class).hasMessageContaining("device node under /dev");
        assertThatThrownBy(() -> storages.acquire(new StorageSpec("blk", "/dev/vdb", "", List.of(), tmp.resolve("y").toString())))
                .isInstanceOf(AgentException.class).hasMessageContaining("file system type");
        assertThatThrownBy(() -> storages.acquire(new StorageSpec("nfs", "x", "", List.of(), tmp.resolve("z").toString())))
                .isInstanceOf(AgentException.class).hasMessageContaining("supported: [9p, blk,");
    }
}
