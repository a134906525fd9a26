package dev.jkata.agent.rpc;

import dev.jkata.agent.protocol.proto.CloseStdinRequest;
import dev.jkata.agent.protocol.proto.CreateContainerRequest;
import dev.jkata.agent.protocol.proto.CreateSandboxRequest;
import dev.jkata.agent.protocol.proto.Device;
import dev.jkata.agent.protocol.proto.ExecProcessRequest;
import dev.jkata.agent.protocol.proto.ListInterfacesRequest;
import dev.jkata.agent.protocol.proto.ListProcessesRequest;
import dev.jkata.agent.protocol.proto.PauseContainerRequest;
import dev.jkata.agent.protocol.proto.ReadStreamRequest;
import dev.jkata.agent.protocol.proto.RemoveContainerRequest;
import dev.jkata.agent.protocol.proto.SignalProcessRequest;
import dev.jkata.agent.protocol.proto.StartContainerRequest;
import dev.jkata.agent.protocol.proto.StatsContainerRequest;
import dev.jkata.agent.protocol.proto.Storage;
import dev.jkata.agent.protocol.proto.TtyWinResizeRequest;
import dev.jkata.agent.protocol.proto.UpdateContainerRequest;
import dev.jkata.agent.protocol.proto.WaitProcessRequest;
import dev.jkata.agent.protocol.proto.WriteStreamRequest;
import dev.jkata.agent.fakes.AgentHarness;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.function.Executable;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorRpcTest {
    @TempDir
    Path tmp;
    AgentHarness h;

    @BeforeEach
    void start() {
        h = new AgentHarness(tmp);
    }

    @AfterEach
    void stop() {
        h.close();
    }

    static Status.Code code(Executable call) {
        try {
            call.execute();
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        } catch (Throwable t) {
            throw new AssertionError("expected a gRPC status, got " + t, t);
        }
        throw new AssertionError("expected the call to fail with a gRPC status");
    }

    @Test
    void createContainerBeforeCreateSandboxIsFailedPrecondition() {
        assertThat(code(() -> h.createContainer("c1", "true"))).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void createSandboxTwiceIsAlreadyExists() {
        h.createSandbox();
        assertThat(code(h::createSandbox)).isEqualTo(Status.Code.ALREADY_EXISTS);
    }

    @Test
    void aDuplicateContainerIsAlreadyExistsAndLeavesTheFirstAlone() {
        h.createSandbox();
        h.createContainer("c1", "true");

        assertThat(code(() -> h.createContainer("c1", "true"))).isEqualTo(Status.Code.ALREADY_EXISTS);
        assertThat(h.sandbox.container("c1")).isNotNull();
    }

    @Test
    void aDuplicateExecIdIsAlreadyExists() {
        h.createSandbox();
        h.runContainer("c1", "sleep", "30");
        h.exec("c1", "e1", "sleep", "30");

        assertThat(code(() -> h.exec("c1", "e1", "true"))).isEqualTo(Status.Code.ALREADY_EXISTS);
    }

    @Test
    void unknownContainersAndProcessesAreNotFound() {
        h.createSandbox();
        h.runContainer("c1", "sleep", "30");

        assertThat(code(() -> h.agent.startContainer(StartContainerRequest.newBuilder().setContainerId("nope").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> h.agent.removeContainer(RemoveContainerRequest.newBuilder().setContainerId("nope").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> h.exec("nope", "e1", "true"))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> h.waitProcess("nope", "e1"))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> h.waitProcess("c1", "nope"))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> h.agent.signalProcess(SignalProcessRequest.newBuilder().setContainerId("c1").setExecId("nope")
                .setSignal(9).build()))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> h.agent.readStdout(ReadStreamRequest.newBuilder().setContainerId("c1").setExecId("nope").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> h.agent.readStderr(ReadStreamRequest.newBuilder().setContainerId("nope").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> h.agent.writeStdin(WriteStreamRequest.newBuilder().setContainerId("c1").setExecId("nope").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> h.agent.closeStdin(CloseStdinRequest.newBuilder().setContainerId("c1").setExecId("nope").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> h.agent.ttyWinResize(TtyWinResizeRequest.newBuilder().setContainerId("nope").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> h.agent.listProcesses(ListProcessesRequest.newBuilder().setContainerId("nope").setFormat("json").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> h.agent.statsContainer(StatsContainerRequest.newBuilder().setContainerId("nope").build())))
                .isEqualTo(Status.Code.NOT_FOUND);
    }

    @Test
    void malformedRequestsAreInvalidArgument() {
        h.createSandbox();
        h.runContainer("c1", "sleep", "30");

        assertThat(code(() -> h.createContainer("../evil", "true"))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> h.createContainer("shared", "true"))).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> h.agent.createContainer(CreateContainerRequest.newBuilder().setContainerId("c2").build())))
                .as("no spec").isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> h.agent.createContainer(CreateContainerRequest.newBuilder().setContainerId("c3")
                .setOCI(AgentHarness.spec(AgentHarness.process("true"))).addDevices(Device.newBuilder().setId("d")).build())))
                .as("devices").isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> h.agent.createContainer(CreateContainerRequest.newBuilder().setContainerId("c4")
                .setOCI(AgentHarness.spec(AgentHarness.process("true")))
                .addStorages(Storage.newBuilder().setDriver("nvdimm").setSource("/dev/pmem1").setMountPoint("/run/x")).build())))
                .as("storage driver").isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> h.agent.createContainer(CreateContainerRequest.newBuilder().setContainerId("c5")
                .setOCI(AgentHarness.spec(AgentHarness.process("true"))).build())))
                .as("rootfs missing").isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> h.agent.execProcess(ExecProcessRequest.newBuilder().setContainerId("c1").setExecId("e").build())))
                .as("no process").isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> h.exec("c1", "", "true"))).as("no exec id").isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> h.exec("c1", "e2"))).as("no args").isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> h.agent.listProcesses(ListProcessesRequest.newBuilder().setContainerId("c1").setFormat("xml").build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> h.agent.signalProcess(SignalProcessRequest.newBuilder().setContainerId("c1").setSignal(99).build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(h.sandbox.containers()).extracting(c -> c.id()).containsExactly("c1");
    }

    @Test
    void resizingAProcessWithoutATerminalIsFailedPrecondition() {
        h.createSandbox();
        h.runContainer("c1", "sleep", "30");

        assertThat(code(() -> h.agent.ttyWinResize(TtyWinResizeRequest.newBuilder().setContainerId("c1").setExecId("c1")
                .setRow(24).setColumn(80).build()))).isEqualTo(Status.Code.FAILED_PRECONDITION);
    }

    @Test
    void aFailedCreateLeavesNoTrace() {
        h.createSandbox();
        assertThat(code(() -> h.agent.createContainer(CreateContainerRequest.newBuilder().setContainerId("c1")
                .addStorages(h.rootfsStorage("c1")).setOCI(AgentHarness.spec(AgentHarness.process("true"))).build())))
                .as("the share holds no rootfs directory").isEqualTo(Status.Code.INVALID_ARGUMENT);

        assertThat(h.sandbox.containers()).isEmpty();
        assertThat(h.sandbox.storages().mountPoints()).isEmpty();
        assertThat(h.layout.bundle("c1")).doesNotExist();
    }

    @Test
    void rpcsTheAgentDoesNotImplementAreUnimplemented() {
        h.createSandbox();
        assertThat(code(() -> h.agent.updateContainer(UpdateContainerRequest.newBuilder().setContainerId("c1").build())))
                .as("UpdateContainer is implemented: of a container that does not exist").isEqualTo(Status.Code.NOT_FOUND);
        assertThat(code(() -> h.agent.pauseContainer(PauseContainerRequest.newBuilder().setContainerId("c1").build())))
                .isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(code(() -> h.agent.listInterfaces(ListInterfacesRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.UNIMPLEMENTED);
    }

    @Test
    void waitOnAContainerThatNeverStartsHonoursTheCallersDeadline() {
        h.createSandbox();
        h.createContainer("c1", "true");

        assertThat(code(() -> h.agent(java.time.Duration.ofMillis(200))
                .waitProcess(WaitProcessRequest.newBuilder().setContainerId("c1").build())))
                .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
        assertThat(code(() -> h.agent.createSandbox(CreateSandboxRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.ALREADY_EXISTS);
    }
}
