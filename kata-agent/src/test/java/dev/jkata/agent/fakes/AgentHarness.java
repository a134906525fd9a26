package dev.jkata.agent.fakes;

import com.google.protobuf.ByteString;
import dev.jkata.agent.protocol.proto.AgentServiceGrpc;
import dev.jkata.agent.protocol.proto.CreateContainerRequest;
import dev.jkata.agent.protocol.proto.CreateSandboxRequest;
import dev.jkata.agent.protocol.proto.ExecProcessRequest;
import dev.jkata.agent.protocol.proto.HealthGrpc;
import dev.jkata.agent.protocol.proto.Linux;
import dev.jkata.agent.protocol.proto.LinuxNamespace;
import dev.jkata.agent.protocol.proto.LinuxResources;
import dev.jkata.agent.protocol.proto.Process;
import dev.jkata.agent.protocol.proto.ReadStreamRequest;
import dev.jkata.agent.protocol.proto.Root;
import dev.jkata.agent.protocol.proto.Spec;
import dev.jkata.agent.protocol.proto.StartContainerRequest;
import dev.jkata.agent.protocol.proto.Storage;
import dev.jkata.agent.protocol.proto.User;
import dev.jkata.agent.protocol.proto.WaitProcessRequest;
import dev.jkata.agent.protocol.proto.WriteStreamRequest;
import dev.jkata.agent.rpc.AgentVersion;
import dev.jkata.agent.container.ContainerLayout;
import dev.jkata.agent.container.ProcessTable;
import dev.jkata.agent.container.GuestSandbox;
import dev.jkata.agent.rpc.GrpcAgentService;
import dev.jkata.agent.rpc.GrpcHealthService;
import dev.jkata.agent.system.FileCopier;
import dev.jkata.agent.system.GuestInfo;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The agent's real gRPC services over the fake runtime, mounter and guest OS, served in process, with a
 * blocking client and helpers that speak the protocol the way a host does. Files live in a temporary
 * directory: {@code state/} is the agent's {@code /run/kata-containers}, {@code cgroup/} its cgroup root,
 * {@code sys/} its sysfs.
 */
public final class AgentHarness implements AutoCloseable {
    /** The 9p share as Kata's runtime sends it. */
    public static final List<String> NINE_P_OPTIONS = List.of("trans=virtio", "version=9p2000.L", "cache=mmap");

    public final Path root;
    public final ContainerLayout layout;
    public final FakeContainerRuntime runtime = new FakeContainerRuntime();
    public final FakeMounter mounter = new FakeMounter();
    public final FakeGuestOs os = new FakeGuestOs();
    public final GuestSandbox sandbox;
    public final AgentServiceGrpc.AgentServiceBlockingStub agent;
    public final HealthGrpc.HealthBlockingStub health;
    private final Server server;
    private final ManagedChannel channel;

    /** An agent with its sandbox created and container {@code cid} running an idle init: the usual fixture. */
    public static AgentHarness withIdleContainer(Path tmp, String cid) {
        AgentHarness h = new AgentHarness(tmp);
        h.createSandbox();
        h.runContainer(cid, "sleep", "60");
        return h;
    }

    public AgentHarness(Path tmp) {
        this(tmp, GuestSandbox.Settings.defaults());
    }

    public AgentHarness(Path tmp, GuestSandbox.Settings settings) {
        this.root = tmp;
        this.layout = new ContainerLayout(tmp.resolve("state"), tmp.resolve("cgroup"));
        this.sandbox = new GuestSandbox(layout, runtime, mounter, os, settings);
        GrpcAgentService service = new GrpcAgentService(sandbox, new ProcessTable(), os, new GuestInfo(tmp.resolve("sys")),
                new FileCopier(layout.stateRoot()), AgentVersion.current());
        String name = InProcessServerBuilder.generateName();
        try {
            server = InProcessServerBuilder.forName(name).addService(service)
                    .addService(new GrpcHealthService(AgentVersion.current())).build().start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        channel = InProcessChannelBuilder.forName(name).build();
        agent = AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
        health = HealthGrpc.newBlockingStub(channel).withDeadlineAfter(60, TimeUnit.SECONDS);
    }

    /** A stub whose calls fail after {@code deadline}. */
    public AgentServiceGrpc.AgentServiceBlockingStub agent(Duration deadline) {
        return AgentServiceGrpc.newBlockingStub(channel).withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
    }

    public void createSandbox() {
        agent.createSandbox(CreateSandboxRequest.newBuilder().setHostname("kata-test").setSandboxId("sb1").build());
    }

    /** The share storage Kata's runtime sends for a container's rootfs. */
    public Storage rootfsStorage(String cid) {
        return Storage.newBuilder().setDriver("9p").setSource("kataShared").setFstype("9p").addAllOptions(NINE_P_OPTIONS)
                .setMountPoint(layout.sharedContainers().resolve(cid).toString()).build();
    }

    /** A process spec running {@code args} as root. */
    public static Process process(String... args) {
        return Process.newBuilder().addAllArgs(List.of(args)).setCwd("/").setUser(User.newBuilder())
                .addEnv("PATH=/usr/local/bin:/usr/bin:/bin").build();
    }

    /** The spec Kata's runtime sends: relative rootfs, resources present, no pid namespace. */
    public static Spec spec(Process init) {
        return Spec.newBuilder().setVersion("1.0.2").setProcess(init).setRoot(Root.newBuilder().setPath("rootfs"))
                .setHostname("box")
                .setLinux(Linux.newBuilder().setResources(LinuxResources.newBuilder())
                        .addNamespaces(LinuxNamespace.newBuilder().setType("network").setPath("/proc/1/ns/net"))
                        .addNamespaces(LinuxNamespace.newBuilder().setType("mount")))
                .build();
    }

    /** Creates container {@code cid} whose init runs {@code args}, with its rootfs directory in the share. */
    public void createContainer(String cid, String... args) {
        try {
            Files.createDirectories(layout.sharedContainers().resolve(cid).resolve("rootfs"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        agent.createContainer(CreateContainerRequest.newBuilder().setContainerId(cid).setExecId(cid)
                .addStorages(rootfsStorage(cid)).setOCI(spec(process(args))).build());
    }

    /** Creates and starts container {@code cid} running {@code args}. */
    public void runContainer(String cid, String... args) {
        createContainer(cid, args);
        agent.startContainer(StartContainerRequest.newBuilder().setContainerId(cid).build());
    }

    public void exec(String cid, String execId, String... args) {
        agent.execProcess(ExecProcessRequest.newBuilder().setContainerId(cid).setExecId(execId).setProcess(process(args)).build());
    }

    public int waitProcess(String cid, String execId) {
        return agent.waitProcess(WaitProcessRequest.newBuilder().setContainerId(cid).setExecId(execId).build()).getStatus();
    }

    public int writeStdin(String cid, String execId, byte[] data) {
        // as a host does: the agent takes what its stdin queue has room for, and the rest is sent again
        int done = 0;
        do {
            done += agent.writeStdin(WriteStreamRequest.newBuilder().setContainerId(cid).setExecId(execId)
                    .setData(ByteString.copyFrom(data, done, data.length - done)).build()).getLen();
        } while (done < data.length);
        return done;
    }

    /** One ReadStdout/ReadStderr; {@code null} at the end of the stream (status UNKNOWN "EOF"). */
    public byte[] read(String cid, String execId, boolean stdout, int len) {
        ReadStreamRequest r = ReadStreamRequest.newBuilder().setContainerId(cid).setExecId(execId).setLen(len).build();
        try {
            return (stdout ? agent.readStdout(r) : agent.readStderr(r)).getData().toByteArray();
        } catch (StatusRuntimeException e) {
            if (isEof(e)) {
                return null;
            }
            throw e;
        }
    }

    /** Reads a stream to its end. */
    public byte[] readAll(String cid, String execId, boolean stdout) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b;
        while ((b = read(cid, execId, stdout, 64 * 1024)) != null) {
            out.writeBytes(b);
        }
        return out.toByteArray();
    }

    public static boolean isEof(StatusRuntimeException e) {
        return e.getStatus().getCode() == Status.Code.UNKNOWN && "EOF".equals(e.getStatus().getDescription());
    }

    @Override
    public void close() {
        for (var c : sandbox.containers()) {
            try {
                sandbox.removeContainer(c.id(), Duration.ofSeconds(10));
            } catch (RuntimeException ignored) {
                // best effort
            }
        }
        channel.shutdownNow();
        server.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
            server.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
