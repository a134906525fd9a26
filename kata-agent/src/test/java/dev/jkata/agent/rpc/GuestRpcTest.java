package dev.jkata.agent.rpc;

import com.google.protobuf.ByteString;
import dev.jkata.agent.protocol.proto.CheckRequest;
import dev.jkata.agent.protocol.proto.CopyFileRequest;
import dev.jkata.agent.protocol.proto.GuestDetailsRequest;
import dev.jkata.agent.protocol.proto.GuestDetailsResponse;
import dev.jkata.agent.protocol.proto.HealthCheckResponse;
import dev.jkata.agent.protocol.proto.SetGuestDateTimeRequest;
import dev.jkata.agent.protocol.proto.VersionCheckResponse;
import dev.jkata.agent.fakes.AgentHarness;
import io.grpc.Status;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;

import static dev.jkata.agent.rpc.ErrorRpcTest.code;
import static org.assertj.core.api.Assertions.assertThat;

class GuestRpcTest {
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

    @Test
    void healthCheckIsServing() {
        assertThat(h.health.check(CheckRequest.getDefaultInstance()).getStatus())
                .isEqualTo(HealthCheckResponse.ServingStatus.SERVING);
    }

    @Test
    void versionNamesTheAgentAndGrpc() {
        VersionCheckResponse v = h.health.version(CheckRequest.getDefaultInstance());
        assertThat(v.getAgentVersion()).isNotBlank().isNotEqualTo("unknown");
        assertThat(v.getGrpcVersion()).matches("\\d+\\.\\d+\\.\\d+.*");
    }

    @Test
    void guestDetailsReportTheMemoryBlockSizeAndTheAgent() throws Exception {
        Path mem = tmp.resolve("sys/devices/system/memory");
        Files.createDirectories(mem);
        Files.writeString(mem.resolve("block_size_bytes"), "8000000\n");

        GuestDetailsResponse r = h.agent.getGuestDetails(GuestDetailsRequest.newBuilder().setMemBlockSize(true)
                .setMemHotplugProbe(true).build());

        assertThat(r.getMemBlockSizeBytes()).isEqualTo(0x8000000L);
        assertThat(r.getSupportMemHotplugProbe()).isFalse();
        assertThat(r.getAgentDetails().getVersion()).isNotBlank();
        assertThat(r.getAgentDetails().getStorageHandlersList()).contains("9p", "ephemeral", "local");
    }

    @Test
    void setGuestDateTimeSetsTheClock() {
        h.agent.setGuestDateTime(SetGuestDateTimeRequest.newBuilder().setSec(1_700_000_000L).setUsec(250_000).build());

        assertThat(h.os.clock()).isEqualTo(Instant.ofEpochSecond(1_700_000_000L, 250_000_000));
    }

    /** Issue 13: a template's clone gets its random pool reseeded from the host's bytes before user code runs. */
    @Test
    void reseedRandomDevHandsTheHostsBytesToTheKernelPool() {
        byte[] seed = new byte[64];
        new java.util.Random(7).nextBytes(seed);
        h.agent.reseedRandomDev(dev.jkata.agent.protocol.proto.ReseedRandomDevRequest.newBuilder()
                .setData(com.google.protobuf.ByteString.copyFrom(seed)).build());
        assertThat(h.os.seed()).isEqualTo(seed);

        assertThat(code(() -> h.agent.reseedRandomDev(dev.jkata.agent.protocol.proto.ReseedRandomDevRequest.getDefaultInstance())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> h.agent.reseedRandomDev(dev.jkata.agent.protocol.proto.ReseedRandomDevRequest.newBuilder()
                .setData(com.google.protobuf.ByteString.copyFrom(new byte[4097])).build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(h.os.seed()).isEqualTo(seed);
    }

    @Test
    void copyFileWritesPartsAndPublishesTheFileWhenComplete() throws Exception {
        Path target = h.layout.stateRoot().resolve("shared/containers/c1/etc/hosts");
        byte[] content = "127.0.0.1 localhost\n::1 localhost\n".getBytes(StandardCharsets.UTF_8);
        int half = content.length / 2;

        h.agent.copyFile(copy(target.toString(), 0, content.length, java.util.Arrays.copyOfRange(content, 0, half)));
        assertThat(target).doesNotExist();
        h.agent.copyFile(copy(target.toString(), half, content.length,
                java.util.Arrays.copyOfRange(content, half, content.length)));

        assertThat(target).hasBinaryContent(content);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target))).isEqualTo("rw-r-----");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(target.getParent()))).isEqualTo("rwxr-x---");
        assertThat(target.resolveSibling("hosts.tmp")).doesNotExist();
    }

    @Test
    void copyFileOutsideTheStateRootIsInvalidArgument() throws Exception {
        Path outside = tmp.resolve("outside");
        assertThat(code(() -> h.agent.copyFile(copy(outside.toString(), 0, 1, new byte[] {1}))))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> h.agent.copyFile(copy(h.layout.stateRoot() + "/../outside", 0, 1, new byte[] {1}))))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> h.agent.copyFile(copy("relative/file", 0, 1, new byte[] {1}))))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(code(() -> h.agent.copyFile(copy("/etc/passwd", 0, 1, new byte[] {1}))))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(outside).doesNotExist();
    }

    @Test
    void copyFileDoesNotFollowALinkOutOfTheStateRoot() throws Exception {
        Path outside = Files.createDirectories(tmp.resolve("outside"));
        Files.createDirectories(h.layout.stateRoot());
        Files.createSymbolicLink(h.layout.stateRoot().resolve("evil"), outside);

        assertThat(code(() -> h.agent.copyFile(copy(h.layout.stateRoot() + "/evil/file", 0, 1, new byte[] {1}))))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(outside.resolve("file")).doesNotExist();
    }

    @Test
    void copyFilePartsPastTheFileSizeAreInvalidArgument() {
        assertThat(code(() -> h.agent.copyFile(copy(h.layout.stateRoot() + "/f", 2, 3, new byte[] {1, 2}))))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
    }

    private CopyFileRequest copy(String path, long offset, long size, byte[] data) {
        return CopyFileRequest.newBuilder().setPath(path).setOffset(offset).setFileSize(size).setFileMode(0640)
                .setDirMode(0750).setUid(owner("unix:uid")).setGid(owner("unix:gid")).setData(ByteString.copyFrom(data)).build();
    }

    /** This process's uid or gid, as the owner of the directory it just made. */
    private int owner(String attribute) {
        try {
            return (Integer) Files.getAttribute(tmp, attribute);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
