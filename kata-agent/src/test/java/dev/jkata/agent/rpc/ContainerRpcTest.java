package dev.jkata.agent.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jkata.agent.protocol.proto.CreateContainerRequest;
import dev.jkata.agent.protocol.proto.DestroySandboxRequest;
import dev.jkata.agent.protocol.proto.ListProcessesRequest;
import dev.jkata.agent.protocol.proto.RemoveContainerRequest;
import dev.jkata.agent.protocol.proto.SignalProcessRequest;
import dev.jkata.agent.protocol.proto.StartContainerRequest;
import dev.jkata.agent.protocol.proto.StatsContainerRequest;
import dev.jkata.agent.protocol.proto.StatsContainerResponse;
import dev.jkata.agent.container.GuestContainer;
import dev.jkata.agent.fakes.AgentHarness;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ContainerRpcTest {
    @TempDir
    Path tmp;
    AgentHarness h;

    @BeforeEach
    void start() {
        h = new AgentHarness(tmp);
        h.createSandbox();
    }

    @AfterEach
    void stop() {
        h.close();
    }

    @Test
    void createSandboxSetsTheHostName() {
        assertThat(h.os.hostname()).isEqualTo("kata-test");
        assertThat(h.sandbox.sandboxId()).isEqualTo("sb1");
    }

    @Test
    void createMountsTheShareOnceAndStacksAnOverlayOnATmpfs() {
        h.createContainer("c1", "true");
        Path share = h.layout.sharedContainers().resolve("c1");
        Path bundle = h.layout.bundle("c1");

        assertThat(h.mounter.calls()).containsExactly(
                "mount 9p kataShared " + share + " trans=virtio,version=9p2000.L,cache=mmap",
                "mount tmpfs tmpfs " + bundle.resolve("scratch") + " mode=0755",
                "mount overlay overlay " + bundle.resolve("rootfs") + " lowerdir=" + share.resolve("rootfs")
                        + ",upperdir=" + bundle.resolve("scratch/upper") + ",workdir=" + bundle.resolve("scratch/work"));
        assertThat(h.sandbox.container("c1").state()).isEqualTo(GuestContainer.State.CREATED);
        assertThat(h.runtime.calls()).isEmpty();
    }

    @Test
    void theBundleConfigIsTheSpecWithTheAgentsPolicy() throws Exception {
        h.createContainer("c1", "sh", "-c", "true");

        JsonNode config = new ObjectMapper().readTree(h.layout.config("c1").toFile());
        assertThat(config.path("root").path("path").asText()).isEqualTo(h.layout.rootfs("c1").toString());
        assertThat(config.path("process").path("args")).extracting(JsonNode::asText).containsExactly("sh", "-c", "true");
        assertThat(config.path("hostname").asText()).isEqualTo("box");
        List<String> namespaces = new ArrayList<>();
        config.path("linux").path("namespaces").forEach(n -> {
            namespaces.add(n.path("type").asText());
            assertThat(n.has("path")).isFalse();
        });
        assertThat(namespaces).containsExactlyInAnyOrder("mount", "pid", "ipc", "uts");
        assertThat(config.path("linux").path("cgroupsPath").asText()).isEqualTo("/kata/c1");
        assertThat(config.path("mounts")).extracting(m -> m.path("destination").asText())
                .containsExactly("/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/.jkata/busybox");
        JsonNode idle = config.path("mounts").get(6);
        assertThat(idle.path("source").asText()).as("the guest image's busybox, not the user's").isEqualTo("/bin/busybox");
        assertThat(idle.path("options")).extracting(JsonNode::asText).contains("ro", "nosuid", "nodev");
    }

    @Test
    void aJobWhoseProgramIsMissingEndsWith127AndTheReasonAndTheContainerStops() throws Exception {
        h.runContainer("c1", "/no/such/entrypoint", "arg");
        assertThat(new String(h.readAll("c1", "c1", false))).contains("/no/such/entrypoint");
        assertThat(h.waitProcess("c1", "c1")).isEqualTo(127);
        assertThat(h.sandbox.container("c1").state()).isEqualTo(GuestContainer.State.STOPPED);
        assertThat(h.runtime.calls()).as("crun is never asked to run what is not there").isEmpty();
    }

    @Test
    void theSharesReferencesAreCountedAcrossContainers() {
        h.createContainer("c1", "true");
        CreateContainerRequest sharedRoot = CreateContainerRequest.newBuilder().setContainerId("c2").setExecId("c2")
                .addStorages(h.rootfsStorage("c1"))
                .setOCI(AgentHarness.spec(AgentHarness.process("true")).toBuilder()
                        .setRoot(dev.jkata.agent.protocol.proto.Root.newBuilder().setPath(
                                h.layout.sharedContainers().resolve("c1").resolve("rootfs").toString())))
                .build();
        h.agent.createContainer(sharedRoot);
        Path share = h.layout.sharedContainers().resolve("c1");

        assertThat(h.mounter.calls()).filteredOn(c -> c.startsWith("mount 9p")).hasSize(1);
        assertThat(h.sandbox.storages().references(share)).isEqualTo(2);

        h.agent.removeContainer(RemoveContainerRequest.newBuilder().setContainerId("c1").build());
        assertThat(h.mounter.calls()).doesNotContain("unmount " + share);
        h.agent.removeContainer(RemoveContainerRequest.newBuilder().setContainerId("c2").build());
        assertThat(h.mounter.calls()).contains("unmount " + share);
    }

    @Test
    void startRunsTheInitWhoseExitStatusWaitProcessReturns() {
        h.createContainer("c1", "sh", "-c", "echo started; exit 7");
        h.agent.startContainer(StartContainerRequest.newBuilder().setContainerId("c1").build());

        assertThat(new String(h.readAll("c1", "c1", true), StandardCharsets.UTF_8)).isEqualTo("started\n");
        assertThat(h.waitProcess("c1", "c1")).isEqualTo(7);
        assertThat(h.runtime.calls()).containsExactly("run c1");
    }

    @Test
    void startingTwiceIsFailedPrecondition() {
        h.runContainer("c1", "sleep", "30");

        assertThatThrownBy(() -> h.agent.startContainer(StartContainerRequest.newBuilder().setContainerId("c1").build()))
                .isInstanceOfSatisfying(StatusRuntimeException.class,
                        e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
    }

    @Test
    void exitCodesComeBackAsSent() {
        h.runContainer("c1", "sleep", "30");
        for (int code : new int[] {0, 1, 42, 255}) {
            h.exec("c1", "e" + code, "sh", "-c", "exit " + code);
            assertThat(h.waitProcess("c1", "e" + code)).isEqualTo(code);
        }
    }

    @Test
    void aSignalledExecReportsOneHundredTwentyEightPlusTheSignal() {
        h.runContainer("c1", "sleep", "30");
        h.exec("c1", "victim", "sleep", "30");
        h.exec("c1", "term", "sleep", "30");

        h.agent.signalProcess(SignalProcessRequest.newBuilder().setContainerId("c1").setExecId("victim").setSignal(9).build());
        h.agent.signalProcess(SignalProcessRequest.newBuilder().setContainerId("c1").setExecId("term").setSignal(15).build());

        assertThat(h.waitProcess("c1", "victim")).isEqualTo(128 + 9);
        assertThat(h.waitProcess("c1", "term")).isEqualTo(128 + 15);
        assertThat(h.runtime.calls()).contains("signal 9", "signal 15");
    }

    @Test
    void signallingTheInitGoesThroughTheRuntimeAndAnEmptyExecIdSignalsAll() {
        h.runContainer("c1", "sleep", "30");
        h.agent.signalProcess(SignalProcessRequest.newBuilder().setContainerId("c1").setSignal(9).build());

        assertThat(h.waitProcess("c1", "c1")).isEqualTo(137);
        assertThat(h.runtime.calls()).contains("kill c1 9 all");
        assertThat(h.sandbox.container("c1").state()).isEqualTo(GuestContainer.State.STOPPED);

        h.agent.signalProcess(SignalProcessRequest.newBuilder().setContainerId("c1").setExecId("c1").setSignal(15).build());
        assertThat(h.runtime.calls()).doesNotContain("kill c1 15");
    }

    @Test
    void killingAContainerThatNeverStartedEndsItsInit() {
        h.createContainer("c1", "sleep", "30");
        h.agent.signalProcess(SignalProcessRequest.newBuilder().setContainerId("c1").setExecId("c1").setSignal(9).build());

        assertThat(h.waitProcess("c1", "c1")).isEqualTo(137);
        assertThat(h.runtime.calls()).isEmpty();
    }

    @Test
    void execInAContainerNotRunningIsFailedPrecondition() {
        h.createContainer("c1", "sleep", "30");

        assertThatThrownBy(() -> h.exec("c1", "e1", "true")).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION));
    }

    @Test
    void removeKillsEverythingUnmountsAndDeletesTheBundle() {
        h.runContainer("c1", "sleep", "30");
        h.exec("c1", "e1", "sleep", "30");
        Path bundle = h.layout.bundle("c1");
        assertThat(bundle).isDirectory();

        h.agent.removeContainer(RemoveContainerRequest.newBuilder().setContainerId("c1").setTimeout(10).build());

        assertThat(h.sandbox.containers()).isEmpty();
        assertThat(bundle).doesNotExist();
        assertThat(h.runtime.calls()).contains("delete c1");
        assertThat(h.mounter.calls()).contains("unmount " + bundle.resolve("rootfs"), "unmount " + bundle.resolve("scratch"),
                "unmount " + h.layout.sharedContainers().resolve("c1"));
        assertThatThrownBy(() -> h.waitProcess("c1", "e1")).isInstanceOfSatisfying(StatusRuntimeException.class,
                e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
    }

    @Test
    void destroySandboxRemovesEveryContainerAndSyncs() {
        h.runContainer("c1", "sleep", "30");
        h.createContainer("c2", "true");

        h.agent.destroySandbox(DestroySandboxRequest.getDefaultInstance());

        assertThat(h.sandbox.containers()).isEmpty();
        assertThat(h.sandbox.storages().mountPoints()).isEmpty();
        assertThat(h.os.syncs()).isEqualTo(1);
        assertThat(h.sandbox.isCreated()).isFalse();
    }

    @Test
    void listProcessesAsJsonAndAsATable() throws Exception {
        h.runContainer("c1", "sleep", "30");
        long initPid = h.sandbox.container("c1").init().pid().orElseThrow();

        byte[] json = h.agent.listProcesses(ListProcessesRequest.newBuilder().setContainerId("c1").setFormat("json").build())
                .getProcessList().toByteArray();
        assertThat(new ObjectMapper().readTree(json)).extracting(JsonNode::asLong).contains(initPid);

        String table = h.agent.listProcesses(ListProcessesRequest.newBuilder().setContainerId("c1").setFormat("table").build())
                .getProcessList().toStringUtf8();
        String[] lines = table.split("\n");
        assertThat(lines[0]).contains("PID");
        assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
        assertThat(lines[1]).contains(Long.toString(initPid)).contains("sleep");
    }

    @Test
    void statsReadTheContainersCgroupFiles() throws Exception {
        h.runContainer("c1", "sleep", "30");
        Path cg = h.layout.cgroupDir("c1");
        Files.createDirectories(cg);
        Files.writeString(cg.resolve("memory.current"), "1048576\n");
        Files.writeString(cg.resolve("memory.max"), "max\n");
        Files.writeString(cg.resolve("memory.stat"), "anon 4096\nfile 8192\n");
        Files.writeString(cg.resolve("cpu.stat"), "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n");
        Files.writeString(cg.resolve("pids.current"), "3\n");
        Files.writeString(cg.resolve("pids.max"), "64\n");

        StatsContainerResponse r = h.agent.statsContainer(StatsContainerRequest.newBuilder().setContainerId("c1").build());

        assertThat(r.getCgroupStats().getMemoryStats().getUsage().getUsage()).isEqualTo(1048576);
        assertThat(r.getCgroupStats().getMemoryStats().getUsage().getLimit()).isZero();
        assertThat(r.getCgroupStats().getMemoryStats().getCache()).isEqualTo(8192);
        assertThat(r.getCgroupStats().getMemoryStats().getStatsMap()).containsEntry("anon", 4096L);
        assertThat(r.getCgroupStats().getCpuStats().getCpuUsage().getTotalUsage()).isEqualTo(1_500_000);
        assertThat(r.getCgroupStats().getCpuStats().getCpuUsage().getUsageInUsermode()).isEqualTo(1_000_000);
        assertThat(r.getCgroupStats().getPidsStats().getCurrent()).isEqualTo(3);
        assertThat(r.getCgroupStats().getPidsStats().getLimit()).isEqualTo(64);
    }
}
