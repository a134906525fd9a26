package dev.jkata.agent.protocol.proto;

import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.grpc.MethodDescriptor;
import io.grpc.ServiceDescriptor;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** Pins the wire facts shared with the Kata Containers 1.x agent: service and method names, field numbers. */
class AgentProtocolTest {

    private static Map<String, Integer> fields(Descriptor d) {
        Map<String, Integer> m = new LinkedHashMap<>();
        for (FieldDescriptor f : d.getFields()) {
            m.put(f.getName(), f.getNumber());
        }
        return m;
    }

    @Test
    void agentServiceHasUpstreamsFullNameAndMethods() {
        ServiceDescriptor service = AgentServiceGrpc.getServiceDescriptor();
        assertThat(service.getName()).isEqualTo("grpc.AgentService");
        assertThat(service.getMethods().stream().map(MethodDescriptor::getFullMethodName).collect(Collectors.toList()))
                .contains("grpc.AgentService/CreateContainer", "grpc.AgentService/StartContainer",
                        "grpc.AgentService/RemoveContainer", "grpc.AgentService/ExecProcess",
                        "grpc.AgentService/SignalProcess", "grpc.AgentService/WaitProcess",
                        "grpc.AgentService/ListProcesses", "grpc.AgentService/StatsContainer",
                        "grpc.AgentService/WriteStdin", "grpc.AgentService/ReadStdout",
                        "grpc.AgentService/ReadStderr", "grpc.AgentService/CloseStdin",
                        "grpc.AgentService/TtyWinResize", "grpc.AgentService/CreateSandbox",
                        "grpc.AgentService/DestroySandbox", "grpc.AgentService/GetGuestDetails",
                        "grpc.AgentService/SetGuestDateTime", "grpc.AgentService/CopyFile",
                        "grpc.AgentService/UpdateContainer", "grpc.AgentService/OnlineCPUMem");
        assertThat(service.getMethods()).hasSize(31);
    }

    @Test
    void healthServiceHasCheckAndVersion() {
        assertThat(HealthGrpc.getServiceDescriptor().getName()).isEqualTo("grpc.Health");
        assertThat(HealthGrpc.getCheckMethod().getFullMethodName()).isEqualTo("grpc.Health/Check");
        assertThat(HealthGrpc.getVersionMethod().getFullMethodName()).isEqualTo("grpc.Health/Version");
        assertThat(HealthCheckResponse.ServingStatus.SERVING.getNumber()).isEqualTo(1);
    }

    @Test
    void messagesLiveInPackageGrpcAndTypes() {
        assertThat(CreateContainerRequest.getDescriptor().getFullName()).isEqualTo("grpc.CreateContainerRequest");
        assertThat(Spec.getDescriptor().getFullName()).isEqualTo("grpc.Spec");
        assertThat(Interface.getDescriptor().getFullName()).isEqualTo("types.Interface");
    }

    @Test
    void storageAndContainerFieldNumbersMatchUpstream() {
        assertThat(fields(Storage.getDescriptor())).containsExactly(
                Map.entry("driver", 1), Map.entry("driver_options", 2), Map.entry("source", 3),
                Map.entry("fstype", 4), Map.entry("options", 5), Map.entry("mount_point", 6));
        assertThat(fields(CreateContainerRequest.getDescriptor())).containsExactly(
                Map.entry("container_id", 1), Map.entry("exec_id", 2), Map.entry("string_user", 3),
                Map.entry("devices", 4), Map.entry("storages", 5), Map.entry("OCI", 6), Map.entry("sandbox_pidns", 7));
        assertThat(fields(CreateSandboxRequest.getDescriptor())).containsExactly(
                Map.entry("hostname", 1), Map.entry("dns", 2), Map.entry("storages", 3),
                Map.entry("sandbox_pidns", 4), Map.entry("sandbox_id", 5), Map.entry("guest_hook_path", 6));
        assertThat(fields(Spec.getDescriptor())).containsExactly(
                Map.entry("Version", 1), Map.entry("Process", 2), Map.entry("Root", 3), Map.entry("Hostname", 4),
                Map.entry("Mounts", 5), Map.entry("Hooks", 6), Map.entry("Annotations", 7), Map.entry("Linux", 8),
                Map.entry("Solaris", 9), Map.entry("Windows", 10));
    }

    @Test
    void encodingUsesUpstreamsTagsAndTypes() {
        assertThat(SetGuestDateTimeRequest.newBuilder().setSec(1).setUsec(2).build().toByteArray())
                .containsExactly(0x08, 0x01, 0x10, 0x02);
        assertThat(ReseedRandomDevRequest.newBuilder().setData(ByteString.copyFromUtf8("x")).build().toByteArray())
                .containsExactly(0x12, 0x01, 'x');
        assertThat(WaitProcessResponse.newBuilder().setStatus(-1).build().toByteArray())
                .as("int32 status: a negative value is a 10-byte varint")
                .hasSize(11);
        byte[] create = CreateContainerRequest.newBuilder().setContainerId("c")
                .setOCI(Spec.newBuilder().setHostname("h")).build().toByteArray();
        assertThat(create).containsExactly(0x0A, 0x01, 'c', 0x32, 0x03, 0x22, 0x01, 'h');
    }
}
