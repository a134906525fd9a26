package dev.jkata.agent.rpc;

import com.google.protobuf.ByteString;
import com.google.protobuf.Empty;
import dev.jkata.agent.protocol.features.AgentFeature;
import dev.jkata.agent.protocol.proto.AgentDetails;
import dev.jkata.agent.protocol.proto.AgentServiceGrpc;
import dev.jkata.agent.protocol.proto.CloseStdinRequest;
import dev.jkata.agent.protocol.proto.CopyFileRequest;
import dev.jkata.agent.protocol.proto.CreateContainerRequest;
import dev.jkata.agent.protocol.proto.CreateSandboxRequest;
import dev.jkata.agent.protocol.proto.DestroySandboxRequest;
import dev.jkata.agent.protocol.proto.ExecProcessRequest;
import dev.jkata.agent.protocol.proto.GuestDetailsRequest;
import dev.jkata.agent.protocol.proto.GuestDetailsResponse;
import dev.jkata.agent.protocol.proto.ListProcessesRequest;
import dev.jkata.agent.protocol.proto.ListProcessesResponse;
import dev.jkata.agent.protocol.proto.ReadStreamRequest;
import dev.jkata.agent.protocol.proto.ReadStreamResponse;
import dev.jkata.agent.protocol.proto.RemoveContainerRequest;
import dev.jkata.agent.protocol.proto.SetGuestDateTimeRequest;
import dev.jkata.agent.protocol.proto.SignalProcessRequest;
import dev.jkata.agent.protocol.proto.StartContainerRequest;
import dev.jkata.agent.protocol.proto.StatsContainerRequest;
import dev.jkata.agent.protocol.proto.StatsContainerResponse;
import dev.jkata.agent.protocol.proto.Storage;
import dev.jkata.agent.protocol.proto.TtyWinResizeRequest;
import dev.jkata.agent.protocol.proto.WaitProcessRequest;
import dev.jkata.agent.protocol.proto.WaitProcessResponse;
import dev.jkata.agent.protocol.proto.WriteStreamRequest;
import dev.jkata.agent.protocol.proto.WriteStreamResponse;
import dev.jkata.agent.errors.AgentException;
import dev.jkata.agent.rpc.AgentVersion;
import dev.jkata.agent.container.CgroupStats;
import dev.jkata.agent.container.GuestContainer;
import dev.jkata.agent.container.ProcessTable;
import dev.jkata.agent.container.GuestSandbox;
import dev.jkata.agent.oci.SpecTranslator;
import dev.jkata.agent.process.GuestProcess;
import dev.jkata.agent.storage.StorageManager;
import dev.jkata.agent.storage.StorageSpec;
import dev.jkata.agent.system.FileCopier;
import dev.jkata.agent.system.GuestInfo;
import dev.jkata.agent.system.GuestOs;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * {@code grpc.AgentService}, the Kata 1.x agent protocol. RPCs not overridden here answer UNIMPLEMENTED.
 *
 * <p>What a host must know:
 * <ul>
 *   <li><b>End of output.</b> ReadStdout and ReadStderr block until at least one byte is there and return
 *       up to {@code len} bytes (at most {@value #MAX_READ}; 0 means that much). At the end of the stream
 *       they fail with status UNKNOWN and description {@code "EOF"}: that is what the Kata 1.x agent sends
 *       (its Go {@code io.EOF}, which Go gRPC turns into UNKNOWN "EOF"), so a client written for upstream
 *       works unchanged.</li>
 *   <li><b>Exit status.</b> WaitProcess returns the exit code, or 128+N when signal N killed the process.
 *       After WaitProcess of an exec'd process, and once its stdout and stderr were read to EOF, the process
 *       is forgotten (NOT_FOUND from then on); the container's init stays until RemoveContainer.</li>
 *   <li><b>Terminals.</b> A process with {@code terminal=true} gets a pseudo-terminal: all its output comes
 *       through ReadStdout (ReadStderr is at EOF at once), WriteStdin types into it, CloseStdin types ^D (a
 *       terminal has no half-close), TtyWinResize sets its size.</li>
 *   <li><b>Ids.</b> An empty exec_id names the container's init, except in SignalProcess where it means
 *       every process of the container. CreateContainer's exec_id names the init (the container id when
 *       empty).</li>
 *   <li><b>Errors.</b> Unknown container or process: NOT_FOUND; malformed request: INVALID_ARGUMENT;
 *       duplicate: ALREADY_EXISTS; wrong state (no CreateSandbox, not started, TtyWinResize without a terminal):
 *       FAILED_PRECONDITION;
 *       crun or mount failures: INTERNAL with the command's message.</li>
 * </ul>
 */
public final class GrpcAgentService extends AgentServiceGrpc.AgentServiceImplBase {
    /** The most one ReadStdout/ReadStderr returns. */
    public static final int MAX_READ = 1024 * 1024;

    private static final Empty EMPTY = Empty.getDefaultInstance();
    /** What this agent does beyond Kata 1.x's behaviour, as GetGuestDetails names it (see {@link AgentFeature}). */
    static final List<String> FEATURES = java.util.Arrays.stream(AgentFeature.values()).map(AgentFeature::wireName).toList();

    private final GuestSandbox sandbox;
    private final ProcessTable processTable;
    private final GuestOs os;
    private final GuestInfo guestInfo;
    private final FileCopier fileCopier;
    private final AgentVersion version;

    public GrpcAgentService(GuestSandbox sandbox, ProcessTable processTable, GuestOs os, GuestInfo guestInfo,
                            FileCopier fileCopier, AgentVersion version) {
        this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
        this.processTable = Objects.requireNonNull(processTable, "processTable");
        this.os = Objects.requireNonNull(os, "os");
        this.guestInfo = Objects.requireNonNull(guestInfo, "guestInfo");
        this.fileCopier = Objects.requireNonNull(fileCopier, "fileCopier");
        this.version = Objects.requireNonNull(version, "version");
    }

    // ---- sandbox -------------------------------------------------------------------------------

    @Override
    public void createSandbox(CreateSandboxRequest req, StreamObserver<Empty> observer) {
        Rpcs.unary(observer, () -> {
            sandbox.create(req.getHostname(), req.getSandboxId(), storages(req.getStoragesList()));
            if (req.getDnsCount() > 0) {
                dev.jkata.agent.network.ResolvConf.write(fileCopier.root().resolve("sandbox").resolve("resolv.conf"),
                        req.getDnsList());
            }
            return EMPTY;
        });
    }

    @Override
    public void destroySandbox(DestroySandboxRequest req, StreamObserver<Empty> observer) {
        Rpcs.unary(observer, () -> {
            sandbox.destroy();
            return EMPTY;
        });
    }

    // ---- network -------------------------------------------------------------------------------

    @Override
    public void updateInterface(dev.jkata.agent.protocol.proto.UpdateInterfaceRequest req,
                                StreamObserver<dev.jkata.agent.protocol.proto.Interface> observer) {
        Rpcs.unary(observer, () -> os.updateInterface(req.getInterface()));
    }

    @Override
    public void updateRoutes(dev.jkata.agent.protocol.proto.UpdateRoutesRequest req,
                             StreamObserver<dev.jkata.agent.protocol.proto.Routes> observer) {
        Rpcs.unary(observer, () -> dev.jkata.agent.protocol.proto.Routes.newBuilder()
                .addAllRoutes(os.updateRoutes(req.getRoutes().getRoutesList())).build());
    }

    // ---- containers ----------------------------------------------------------------------------

    @Override
    public void createContainer(CreateContainerRequest req, StreamObserver<Empty> observer) {
        Rpcs.unary(observer, () -> {
            if (!req.hasOCI()) {
                throw AgentException.invalid("CreateContainer needs the OCI spec");
            }
            if (req.getDevicesCount() > 0) {
                throw AgentException.invalid("device passthrough is not supported: the request lists "
                        + req.getDevicesCount() + " device(s)");
            }
            sandbox.createContainer(new GuestSandbox.ContainerRequest(req.getContainerId(), req.getExecId(),
                    storages(req.getStoragesList()), SpecTranslator.config(req.getOCI())));
            return EMPTY;
        });
    }

    @Override
    public void startContainer(StartContainerRequest req, StreamObserver<Empty> observer) {
        Rpcs.unary(observer, () -> {
            sandbox.container(req.getContainerId()).start();
            return EMPTY;
        });
    }

    @Override
    public void removeContainer(RemoveContainerRequest req, StreamObserver<Empty> observer) {
        Rpcs.blocking(observer, () -> {
            sandbox.removeContainer(req.getContainerId(), Duration.ofSeconds(Integer.toUnsignedLong(req.getTimeout())));
            return EMPTY;
        });
    }

    @Override
    public void updateContainer(dev.jkata.agent.protocol.proto.UpdateContainerRequest req, StreamObserver<Empty> observer) {
        Rpcs.unary(observer, () -> {
            String id = sandbox.container(req.getContainerId()).id();
            dev.jkata.agent.container.CgroupLimits.apply(sandbox.layout().cgroupDir(id), req.getResources());
            return EMPTY;
        });
    }

    @Override
    public void statsContainer(StatsContainerRequest req, StreamObserver<StatsContainerResponse> observer) {
        Rpcs.unary(observer, () -> {
            String id = sandbox.container(req.getContainerId()).id();
            java.nio.file.Path disk = java.nio.file.Path.of(dev.jkata.agent.protocol.features.ScratchDisk.MOUNT_POINT);
            return StatsTranslator.response(CgroupStats.read(sandbox.layout().cgroupDir(id)),
                    dev.jkata.agent.system.GuestUsage.interfaces(),
                    sandbox.storages().references(disk) > 0 ? dev.jkata.agent.system.GuestUsage.fileSystem(disk)
                            : java.util.Optional.empty());
        });
    }

    @Override
    public void listProcesses(ListProcessesRequest req, StreamObserver<ListProcessesResponse> observer) {
        Rpcs.unary(observer, () -> {
            GuestContainer c = sandbox.container(req.getContainerId());
            byte[] list = processTable.list(c.pids(), req.getFormat(), req.getArgsList());
            return ListProcessesResponse.newBuilder().setProcessList(ByteString.copyFrom(list)).build();
        });
    }

    // ---- processes -----------------------------------------------------------------------------

    @Override
    public void execProcess(ExecProcessRequest req, StreamObserver<Empty> observer) {
        Rpcs.unary(observer, () -> {
            GuestContainer c = sandbox.container(req.getContainerId());
            if (!req.hasProcess()) {
                throw AgentException.invalid("ExecProcess needs the process");
            }
            c.exec(req.getExecId(), SpecTranslator.process(req.getProcess()));
            return EMPTY;
        });
    }

    @Override
    public void signalProcess(SignalProcessRequest req, StreamObserver<Empty> observer) {
        Rpcs.unary(observer, () -> {
            GuestContainer c = sandbox.container(req.getContainerId());
            int signal = req.getSignal();
            if (signal < 0 || signal > 64) {
                throw AgentException.invalid("signal " + Integer.toUnsignedString(signal) + " is not a signal number");
            }
            if (signal == 0) {
                c.process(req.getExecId());
            } else {
                c.signal(req.getExecId(), signal);
            }
            return EMPTY;
        });
    }

    @Override
    public void waitProcess(WaitProcessRequest req, StreamObserver<WaitProcessResponse> observer) {
        Rpcs.blocking(observer, () -> {
            GuestContainer.Exit exit = sandbox.container(req.getContainerId()).waitExit(req.getExecId());
            return WaitProcessResponse.newBuilder().setStatus(exit.status()).setJkataOomKilled(exit.oomKilled()).build();
        });
    }

    // ---- stdio ---------------------------------------------------------------------------------

    @Override
    public void writeStdin(WriteStreamRequest req, StreamObserver<WriteStreamResponse> observer) {
        Rpcs.blocking(observer, () -> {
            GuestProcess p = sandbox.container(req.getContainerId()).process(req.getExecId());
            int n = p.writeStdin(req.getData().toByteArray());
            return WriteStreamResponse.newBuilder().setLen(n).build();
        });
    }

    @Override
    public void readStdout(ReadStreamRequest req, StreamObserver<ReadStreamResponse> observer) {
        read(req, GuestProcess.Output.STDOUT, observer);
    }

    @Override
    public void readStderr(ReadStreamRequest req, StreamObserver<ReadStreamResponse> observer) {
        read(req, GuestProcess.Output.STDERR, observer);
    }

    private void read(ReadStreamRequest req, GuestProcess.Output which, StreamObserver<ReadStreamResponse> observer) {
        Rpcs.blocking(observer, () -> {
            long asked = Integer.toUnsignedLong(req.getLen());
            int max = asked == 0 || asked > MAX_READ ? MAX_READ : (int) asked;
            byte[] data = sandbox.container(req.getContainerId()).read(req.getExecId(), which, max);
            if (data == null) {
                throw Status.UNKNOWN.withDescription("EOF").asRuntimeException();
            }
            return ReadStreamResponse.newBuilder().setData(ByteString.copyFrom(data)).build();
        });
    }

    @Override
    public void closeStdin(CloseStdinRequest req, StreamObserver<Empty> observer) {
        Rpcs.unary(observer, () -> {
            sandbox.container(req.getContainerId()).process(req.getExecId()).closeStdin();
            return EMPTY;
        });
    }

    @Override
    public void ttyWinResize(TtyWinResizeRequest req, StreamObserver<Empty> observer) {
        Rpcs.unary(observer, () -> {
            sandbox.container(req.getContainerId()).process(req.getExecId())
                    .resizeTerminal(req.getColumn(), req.getRow());
            return EMPTY;
        });
    }

    // ---- guest ---------------------------------------------------------------------------------

    @Override
    public void getGuestDetails(GuestDetailsRequest req, StreamObserver<GuestDetailsResponse> observer) {
        Rpcs.unary(observer, () -> {
            GuestDetailsResponse.Builder b = GuestDetailsResponse.newBuilder();
            if (req.getMemBlockSize()) {
                guestInfo.memoryBlockSize().ifPresent(b::setMemBlockSizeBytes);
            }
            if (req.getMemHotplugProbe()) {
                b.setSupportMemHotplugProbe(guestInfo.memoryHotplugProbe());
            }
            b.setAgentDetails(AgentDetails.newBuilder()
                    .setVersion(version.agent())
                    .setInitDaemon(false)
                    .addAllStorageHandlers(StorageManager.DRIVERS)
                    .setSupportsSeccomp(true)
                    .addAllJkataFeatures(FEATURES));
            return b.build();
        });
    }

    @Override
    public void setGuestDateTime(SetGuestDateTimeRequest req, StreamObserver<Empty> observer) {
        Rpcs.unary(observer, () -> {
            if (req.getUsec() < 0 || req.getUsec() >= 1_000_000) {
                throw AgentException.invalid("Usec must be within [0, 1000000), was " + req.getUsec());
            }
            os.setClock(Instant.ofEpochSecond(req.getSec(), req.getUsec() * 1000));
            return EMPTY;
        });
    }

    /** The most seed bytes ReseedRandomDev takes (the kernel's input pool holds 256 bits; more adds nothing). */
    static final int MAX_SEED_BYTES = 4096;

    @Override
    public void reseedRandomDev(dev.jkata.agent.protocol.proto.ReseedRandomDevRequest req, StreamObserver<Empty> observer) {
        Rpcs.unary(observer, () -> {
            int n = req.getData().size();
            if (n == 0 || n > MAX_SEED_BYTES) {
                throw AgentException.invalid("data must hold 1 to " + MAX_SEED_BYTES + " bytes, held " + n);
            }
            os.reseedRandom(req.getData().toByteArray());
            return EMPTY;
        });
    }

    @Override
    public void copyFile(CopyFileRequest req, StreamObserver<Empty> observer) {
        Rpcs.unary(observer, () -> {
            fileCopier.write(new FileCopier.Part(req.getPath(), req.getOffset(), req.getFileSize(), req.getFileMode(),
                    req.getDirMode(), req.getUid(), req.getGid(), req.getData().toByteArray()));
            return EMPTY;
        });
    }

    private static List<StorageSpec> storages(List<Storage> storages) {
        return storages.stream()
                .map(s -> new StorageSpec(s.getDriver(), s.getSource(), s.getFstype(), s.getOptionsList(), s.getMountPoint()))
                .toList();
    }
}
