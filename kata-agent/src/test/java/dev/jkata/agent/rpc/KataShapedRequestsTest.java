package dev.jkata.agent.rpc;

import dev.jkata.agent.protocol.proto.CreateContainerRequest;
import dev.jkata.agent.protocol.proto.CreateSandboxRequest;
import dev.jkata.agent.protocol.proto.DestroySandboxRequest;
import dev.jkata.agent.protocol.proto.GuestDetailsRequest;
import dev.jkata.agent.protocol.proto.GuestDetailsResponse;
import dev.jkata.agent.protocol.proto.RemoveContainerRequest;
import dev.jkata.agent.protocol.proto.Root;
import dev.jkata.agent.protocol.proto.SignalProcessRequest;
import dev.jkata.agent.protocol.proto.StartContainerRequest;
import dev.jkata.agent.protocol.proto.Storage;
import dev.jkata.agent.fakes.AgentHarness;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The agent driven with requests shaped as Kata 1.x's runtime sends them: the shared directory is a sandbox-wide
 * storage of CreateSandbox whose mount point ends in {@code /}, containers send no storage and name their root below
 * it, a container is stopped (SIGKILL to all, WaitProcess of its init) before RemoveContainer and DestroySandbox, and
 * the host reads the agent's storage drivers from GetGuestDetails.
 */
class KataShapedRequestsTest {
    @TempDir
    Path tmp;
    AgentHarness h;
    Path shared;

    @BeforeEach
    void start() throws Exception {
        h = new AgentHarness(tmp);
        shared = h.layout.sharedContainers();
        Files.createDirectories(shared.resolve("c1").resolve("rootfs"));
        Files.createDirectories(shared.resolve("c2").resolve("rootfs"));
    }

    @AfterEach
    void stop() {
        h.close();
    }

    /** The sandbox-wide 9p storage as Kata's runtime sends it: mount point with a trailing slash. */
    private Storage sandboxShare() {
        return Storage.newBuilder().setDriver("9p").setSource("kataShared").setFstype("9p")
                .addAllOptions(AgentHarness.NINE_P_OPTIONS).addOptions("nodev").setMountPoint(shared + "/").build();
    }

    private void createSandboxWithShare() {
        h.agent.createSandbox(CreateSandboxRequest.newBuilder().setHostname("kata").setSandboxId("sb1")
                .addStorages(sandboxShare()).build());
    }

    /** CreateContainer with no storages and an absolute root below the sandbox's share, as Kata sends it. */
    private void createContainer(String cid, String... args) {
        h.agent.createContainer(CreateContainerRequest.newBuilder().setContainerId(cid).setExecId(cid)
                .setOCI(AgentHarness.spec(AgentHarness.process(args)).toBuilder()
                        .setRoot(Root.newBuilder().setPath(shared + "/" + cid + "/rootfs")))
                .build());
    }

    private void start(String cid) {
        h.agent.startContainer(StartContainerRequest.newBuilder().setContainerId(cid).build());
    }

    private void killAll(String cid) {
        h.agent.signalProcess(SignalProcessRequest.newBuilder().setContainerId(cid).setExecId("").setSignal(9).build());
    }

    @Test
    void aTrailingSlashMountPointIsTheDirectoryItselfMountedOnce() {
        createSandboxWithShare();

        assertThat(h.mounter.calls()).containsExactly(
                "mount 9p kataShared " + shared + " trans=virtio,version=9p2000.L,cache=mmap,nodev");
        assertThat(h.sandbox.storages().references(shared)).isEqualTo(1);
        assertThat(Files.isDirectory(shared)).isTrue();
    }

    @Test
    void containersReferenceTheSandboxStorageWithoutMountingItAgain() {
        createSandboxWithShare();
        createContainer("c1", "sleep", "60");
        createContainer("c2", "sleep", "60");
        start("c1");
        start("c2");

        assertThat(h.mounter.calls()).filteredOn(c -> c.startsWith("mount 9p")).hasSize(1);
        assertThat(h.mounter.calls()).contains("mount overlay overlay " + h.layout.rootfs("c2") + " lowerdir="
                + shared.resolve("c2/rootfs") + ",upperdir=" + h.layout.bundle("c2").resolve("scratch/upper")
                + ",workdir=" + h.layout.bundle("c2").resolve("scratch/work"));
        assertThat(h.sandbox.containers()).hasSize(2);
    }

    @Test
    void aContainerMayStillSendTheSandboxStorageWithOrWithoutTheSlash() {
        createSandboxWithShare();
        Storage withoutSlash = sandboxShare().toBuilder().setMountPoint(shared.toString()).build();
        h.agent.createContainer(CreateContainerRequest.newBuilder().setContainerId("c1").setExecId("c1")
                .addStorages(withoutSlash).setOCI(AgentHarness.spec(AgentHarness.process("true"))).build());
        h.agent.createContainer(CreateContainerRequest.newBuilder().setContainerId("c2").setExecId("c2")
                .addStorages(sandboxShare()).setOCI(AgentHarness.spec(AgentHarness.process("true"))).build());

        assertThat(h.mounter.calls()).filteredOn(c -> c.startsWith("mount 9p")).hasSize(1);
        assertThat(h.sandbox.storages().references(shared)).isEqualTo(3);
    }

    @Test
    void killThenWaitThenRemoveThenDestroyUnmountsTheShareOnceAtTheEnd() {
        createSandboxWithShare();
        createContainer("c1", "sleep", "60");
        start("c1");
        h.exec("c1", "e1", "sleep", "60");

        killAll("c1");
        assertThat(h.waitProcess("c1", "c1")).isEqualTo(128 + 9);
        assertThat(h.waitProcess("c1", "e1")).isEqualTo(128 + 9);
        h.agent.removeContainer(RemoveContainerRequest.newBuilder().setContainerId("c1").setTimeout(10).build());

        assertThat(h.runtime.calls()).containsSubsequence("kill c1 9 all", "delete c1");
        assertThat(h.mounter.calls()).doesNotContain("unmount " + shared);
        assertThatThrownBy(() -> h.waitProcess("c1", "c1")).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));

        h.agent.destroySandbox(DestroySandboxRequest.newBuilder().build());
        assertThat(h.mounter.calls()).last().isEqualTo("unmount " + shared);
        assertThat(h.sandbox.isCreated()).isFalse();
    }

    @Test
    void killingAContainerWhoseInitHasExitedIsNoError() {
        createSandboxWithShare();
        createContainer("c1", "sh", "-c", "exit 3");
        start("c1");
        assertThat(h.waitProcess("c1", "c1")).isEqualTo(3);

        killAll("c1");
        assertThat(h.waitProcess("c1", "c1")).isEqualTo(3);
        h.agent.removeContainer(RemoveContainerRequest.newBuilder().setContainerId("c1").build());
        assertThat(h.sandbox.containers()).isEmpty();
    }

    @Test
    void getGuestDetailsReportsTheOverlayCapabilityAmongTheStorageDrivers() {
        GuestDetailsResponse r = h.agent.getGuestDetails(GuestDetailsRequest.newBuilder().build());

        assertThat(r.getAgentDetails().getStorageHandlersList()).contains("9p", "overlayfs");
        assertThat(r.getAgentDetails().getVersion()).isNotEmpty();
    }

    @Test
    void anOverlayfsStorageIsMountedWithItsUpperAndWorkDirectoriesCreated() {
        Path upper = tmp.resolve("layer/upper");
        Path work = tmp.resolve("layer/work");
        Path target = tmp.resolve("merged/");
        Storage overlay = Storage.newBuilder().setDriver("overlayfs").setSource("none").setFstype("overlay")
                .addOptions("lowerdir=" + shared).addOptions("upperdir=" + upper).addOptions("workdir=" + work)
                .setMountPoint(target + "/").build();
        h.agent.createSandbox(CreateSandboxRequest.newBuilder().setSandboxId("sb1").addStorages(overlay).build());

        assertThat(h.mounter.calls()).containsExactly("mount overlay overlay " + target + " lowerdir=" + shared
                + ",upperdir=" + upper + ",workdir=" + work);
        assertThat(Files.isDirectory(upper)).isTrue();
        assertThat(Files.isDirectory(work)).isTrue();
    }

    @Test
    void anOverlayfsStorageWithoutALowerDirectoryIsInvalid() {
        Storage overlay = Storage.newBuilder().setDriver("overlayfs").setSource("none").setFstype("overlay")
                .addOptions("upperdir=/x").setMountPoint(tmp.resolve("merged").toString()).build();

        assertThatThrownBy(() -> h.agent.createSandbox(CreateSandboxRequest.newBuilder().setSandboxId("sb1")
                .addStorages(overlay).build())).isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                    assertThat(e.getStatus().getDescription()).contains("lowerdir");
                });
        assertThat(h.mounter.calls()).isEmpty();
    }
}
