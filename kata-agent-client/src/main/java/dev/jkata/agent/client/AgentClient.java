package dev.jkata.agent.client;

import com.google.protobuf.ByteString;
import dev.jkata.agent.protocol.proto.AgentServiceGrpc;
import dev.jkata.agent.protocol.proto.CheckRequest;
import dev.jkata.agent.protocol.proto.CloseStdinRequest;
import dev.jkata.agent.protocol.proto.CreateContainerRequest;
import dev.jkata.agent.protocol.proto.CreateSandboxRequest;
import dev.jkata.agent.protocol.proto.DestroySandboxRequest;
import dev.jkata.agent.protocol.proto.ExecProcessRequest;
import dev.jkata.agent.protocol.proto.HealthCheckResponse;
import dev.jkata.agent.protocol.proto.HealthGrpc;
import dev.jkata.agent.protocol.proto.ReadStreamRequest;
import dev.jkata.agent.protocol.proto.ReadStreamResponse;
import dev.jkata.agent.protocol.proto.RemoveContainerRequest;
import dev.jkata.agent.protocol.proto.SignalProcessRequest;
import dev.jkata.agent.protocol.proto.StartContainerRequest;
import dev.jkata.agent.protocol.proto.TtyWinResizeRequest;
import dev.jkata.agent.protocol.proto.WaitProcessRequest;
import dev.jkata.agent.protocol.proto.WriteStreamRequest;
import dev.jkata.agent.protocol.yamux.YamuxSession;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.api.KataTimeoutException;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.channels.ByteChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host's client of one guest agent (Kata 1.x protocol). One yamux session over QEMU's virtio-serial
 * socket lives as long as the VM; gRPC dials a {@code YamuxConnector}, an address inside this JVM that turns each
 * HTTP/2 connection into a new yamux stream, so no socket on the host reaches the agent. A socket for other
 * processes is opened only on request ({@link #exposeSocket}). Every call has a deadline; gRPC statuses
 * become typed exceptions in {@link AgentErrors}; the methods take and return plain Java types.
 */
public final class AgentClient implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentClient.class);
    /** How often {@link #awaitReady} looks at the guest while a health check is in flight. */
    private static final long READY_POLL_MS = 100;
    /** How long a failed call looks for the guest's death to explain it. */
    private static final long GUEST_DEATH_WAIT_MS = 1000;

    private final AgentClientConfig config;
    private final AgentConnection connection;
    private final YamuxSession session;
    private volatile Supplier<String> guestDeath = () -> null;
    private volatile boolean closing;
    private final AgentServiceGrpc.AgentServiceBlockingStub agent;
    private final HealthGrpc.HealthStub healthAsync;

    private AgentClient(AgentClientConfig config, AgentConnection connection) {
        this.config = config;
        this.connection = connection;
        this.session = connection.session();
        this.agent = AgentServiceGrpc.newBlockingStub(connection.channel());
        this.healthAsync = HealthGrpc.newStub(connection.channel());
    }

    /**
     * Starts a client over {@code transport}, a byte channel already connected to the agent's yamux server (the guest
     * hands it over: a UNIX socket to QEMU's virtio-serial chardev, or anything else that carries the bytes). The
     * client owns it from here and closes it, also when this fails. The agent may still be booting; {@link #awaitReady}
     * waits for it.
     */
    public static AgentClient connect(ByteChannel transport, AgentClientConfig config) {
        return new AgentClient(config, AgentConnection.open(transport, config));
    }

    /**
     * Waits until the agent answers a health check with SERVING, or {@code bootTimeout} passes. One check at a
     * time is in flight, with the whole remaining boot time as its deadline: a booting guest's first answer is
     * slow (its JVM is cold), and a check abandoned on a short deadline would have to be served again. A check
     * that fails (the connection is not up yet) is repeated with back-off. Meanwhile {@code deathCheck} and the
     * yamux session are looked at every {@value #READY_POLL_MS} ms.
     *
     * @param deathCheck returns a reason when the VM has died (so waiting is pointless), else null
     */
    public void awaitReady(Duration bootTimeout, Supplier<String> deathCheck) {
        long deadline = System.nanoTime() + bootTimeout.toNanos();
        long backoffMs = 50;
        StatusRuntimeException last = null;
        CompletableFuture<HealthCheckResponse> probe = null;
        long retryAt = 0;
        try {
            while (System.nanoTime() < deadline) {
                String dead = deathCheck.get();
                if (dead != null) {
                    throw new KataException(KataErrorReason.HYPERVISOR_FAILED, dead);
                }
                if (session.isClosed()) {
                    dead = awaitDeath(deathCheck);
                    if (dead != null) {
                        throw new KataException(KataErrorReason.HYPERVISOR_FAILED, dead);
                    }
                    throw new KataException(KataErrorReason.AGENT_FAILED, "the agent's yamux session closed while booting: "
                            + session.closeReason().map(Throwable::getMessage).orElse("no reason given"));
                }
                if (probe == null && System.nanoTime() >= retryAt) {
                    probe = check(deadline - System.nanoTime());
                }
                if (probe == null) {
                    Thread.sleep(READY_POLL_MS);
                    continue;
                }
                try {
                    HealthCheckResponse r = probe.get(READY_POLL_MS, TimeUnit.MILLISECONDS);
                    if (r.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
                        return;
                    }
                    LOG.debug("health check: {}", r.getStatus());
                } catch (TimeoutException stillWaiting) {
                    continue;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof StatusRuntimeException sre)) {
                        throw new KataException(KataErrorReason.AGENT_FAILED, "health check failed: " + e.getCause(), e.getCause());
                    }
                    last = sre;
                    LOG.debug("health check: {}", sre.getStatus());
                }
                probe = null;
                retryAt = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMs);
                backoffMs = Math.min(backoffMs * 2, 500);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KataException(KataErrorReason.AGENT_FAILED, "interrupted while waiting for the agent", e);
        } finally {
            if (probe != null) {
                probe.cancel(true);
            }
        }
        throw new KataTimeoutException("the agent did not answer a health check"
                + (last == null ? "" : " (last: " + last.getStatus() + ")"), bootTimeout);
    }

    /** One health check with a deadline {@code nanos} away, as a future. */
    private CompletableFuture<HealthCheckResponse> check(long nanos) {
        CompletableFuture<HealthCheckResponse> f = new CompletableFuture<>();
        healthAsync.withDeadlineAfter(Math.max(1, nanos), TimeUnit.NANOSECONDS).check(CheckRequest.newBuilder().build(),
                new StreamObserver<>() {
                    @Override
                    public void onNext(HealthCheckResponse value) { f.complete(value); }

                    @Override
                    public void onError(Throwable t) { f.completeExceptionally(t); }

                    @Override
                    public void onCompleted() {
                        f.completeExceptionally(new IllegalStateException("the health check ended without an answer"));
                    }
                });
        return f;
    }

    /**
     * Whether the agent answers a health check with SERVING within {@code timeout}: before a close spends RPCs on a
     * guest that may have stopped answering.
     */
    public boolean answers(Duration timeout) {
        if (session.isClosed()) {
            return false;
        }
        try {
            return check(timeout.toNanos()).get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS).getStatus()
                    == HealthCheckResponse.ServingStatus.SERVING;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
            return false;
        }
    }

    public void createSandbox(String sandboxId, String hostname) {
        createSandbox(sandboxId, hostname, java.util.List.of());
    }

    /** CreateSandbox with resolver lines ({@code nameserver 10.0.2.3}) for the guest's resolv.conf. */
    public void createSandbox(String sandboxId, String hostname, java.util.List<String> dns) {
        createSandbox(sandboxId, hostname, dns, java.util.List.of());
    }

    /**
     * CreateSandbox as Kata's runtime sends it: the sandbox-wide {@code storages} (its shared directories) are
     * mounted here, once for every container, which then only reference them (a 9p tag mounted a second time is
     * EBUSY in the guest).
     */
    public void createSandbox(String sandboxId, String hostname, java.util.List<String> dns,
                              java.util.List<StorageMount> storages) {
        CreateSandboxRequest.Builder r = CreateSandboxRequest.newBuilder().setSandboxId(sandboxId)
                .setHostname(hostname).addAllDns(dns);
        storages.forEach(st -> r.addStorages(OciSpecs.storage(st)));
        call("CreateSandbox", s -> s.createSandbox(r.build()));
    }

    /** The most storage handlers taken from GetGuestDetails, and the longest name kept: the guest is hostile. */
    /** Kata's GetGuestDetails: the agent's version and the storage drivers it handles, bounded (see {@link GuestDetails#from}). */
    public GuestDetails guestDetails() {
        return GuestDetails.from(call("GetGuestDetails", s -> s.getGuestDetails(
                dev.jkata.agent.protocol.proto.GuestDetailsRequest.newBuilder().build())).getAgentDetails());
    }

    /** Kata's UpdateInterface: the guest finds the interface by MAC address (else name) and sets it as given. */
    public dev.jkata.agent.protocol.proto.Interface updateInterface(dev.jkata.agent.protocol.proto.Interface iface) {
        return call("UpdateInterface", s -> s.updateInterface(
                dev.jkata.agent.protocol.proto.UpdateInterfaceRequest.newBuilder().setInterface(iface).build()));
    }

    /** Kata's UpdateRoutes: each route added or replaced. */
    public void updateRoutes(java.util.List<dev.jkata.agent.protocol.proto.Route> routes) {
        call("UpdateRoutes", s -> s.updateRoutes(dev.jkata.agent.protocol.proto.UpdateRoutesRequest.newBuilder()
                .setRoutes(dev.jkata.agent.protocol.proto.Routes.newBuilder().addAllRoutes(routes)).build()));
    }

    /** Kata's CopyFile, for a small file in one part: {@code content} written to {@code guestPath} (under /run). */
    public void copyFile(String guestPath, byte[] content, int mode) {
        call("CopyFile", s -> s.copyFile(dev.jkata.agent.protocol.proto.CopyFileRequest.newBuilder().setPath(guestPath)
                .setFileSize(content.length).setFileMode(mode).setDirMode(0755).setOffset(0)
                .setData(ByteString.copyFrom(content)).build()));
    }

    /** Kata's SetGuestDateTime: the guest's wall clock set to {@code time} (a clone's clock is its template's). */
    public void setGuestDateTime(java.time.Instant time) {
        call("SetGuestDateTime", s -> s.setGuestDateTime(dev.jkata.agent.protocol.proto.SetGuestDateTimeRequest.newBuilder()
                .setSec(time.getEpochSecond()).setUsec(time.getNano() / 1000).build()));
    }

    /** Kata's ReseedRandomDev: {@code seed} mixed into the guest kernel's random pool, which is reseeded from it. */
    public void reseedRandomDev(byte[] seed) {
        call("ReseedRandomDev", s -> s.reseedRandomDev(dev.jkata.agent.protocol.proto.ReseedRandomDevRequest.newBuilder()
                .setData(ByteString.copyFrom(seed)).build()));
    }

    public void destroySandbox() {
        call("DestroySandbox", s -> s.destroySandbox(DestroySandboxRequest.newBuilder().build()));
    }

    public void createContainer(ContainerConfig c) {
        CreateContainerRequest.Builder r = CreateContainerRequest.newBuilder()
                .setContainerId(c.containerId()).setExecId(c.execId()).setOCI(OciSpecs.spec(c));
        c.storages().forEach(s -> r.addStorages(OciSpecs.storage(s)));
        call("CreateContainer", s -> s.createContainer(r.build()));
    }

    public void startContainer(String containerId) {
        call("StartContainer", s -> s.startContainer(StartContainerRequest.newBuilder().setContainerId(containerId).build()));
    }

    /** SIGKILL, as Kata's runtime sends it to stop a container. */
    private static final int SIGKILL = 9;

    /**
     * Stops a container as Kata's runtime does before RemoveContainer and DestroySandbox (the Kata 1.x agent refuses
     * to remove a container whose init still runs): SIGKILL to every process of it (SignalProcess with the empty exec
     * id), then WaitProcess for its init, {@code initExecId}; both within {@code bound} in all. Its exit status.
     *
     * @throws KataTimeoutException when the init has not exited within {@code bound}: the guest holds the
     *                              container still, and the sandbox should be closed
     */
    public int killAndWait(String containerId, String initExecId, Duration bound) {
        long t0 = System.nanoTime();
        signalProcess(containerId, "", SIGKILL);
        Duration left = bound.minusNanos(System.nanoTime() - t0);
        if (left.isNegative() || left.isZero()) {
            throw new KataTimeoutException("container " + containerId + " was killed but not waited for", bound);
        }
        long t1 = System.nanoTime();
        try {
            return agent.withDeadlineAfter(left.toMillis() + 1, TimeUnit.MILLISECONDS).waitProcess(WaitProcessRequest
                    .newBuilder().setContainerId(containerId).setExecId(initExecId).build()).getStatus();
        } catch (StatusRuntimeException e) {
            throw map("WaitProcess", e, left, ownDeadlinePassed(t1, left));
        }
    }

    public void removeContainer(String containerId) {
        call("RemoveContainer", s -> s.removeContainer(RemoveContainerRequest.newBuilder().setContainerId(containerId)
                .setTimeout(10).build()));
    }

    /**
     * UpdateContainer: the container's cgroup limits in the guest. 0 leaves a field as it is, -1 lifts its limit.
     *
     * @param memoryBytes memory.max
     * @param cpuQuota    CPU time per period, in µs
     * @param cpuPeriod   the period, in µs (0: the guest's default)
     * @param pids        pids.max
     */
    public void updateContainer(String containerId, long memoryBytes, long cpuQuota, long cpuPeriod, long pids) {
        dev.jkata.agent.protocol.proto.LinuxResources r = dev.jkata.agent.protocol.proto.LinuxResources.newBuilder()
                .setMemory(dev.jkata.agent.protocol.proto.LinuxMemory.newBuilder().setLimit(memoryBytes))
                .setCPU(dev.jkata.agent.protocol.proto.LinuxCPU.newBuilder().setQuota(cpuQuota).setPeriod(cpuPeriod))
                .setPids(dev.jkata.agent.protocol.proto.LinuxPids.newBuilder().setLimit(pids)).build();
        call("UpdateContainer", s -> s.updateContainer(dev.jkata.agent.protocol.proto.UpdateContainerRequest.newBuilder()
                .setContainerId(containerId).setResources(r).build()));
    }

    public void execProcess(String containerId, String execId, ProcessConfig p) {
        call("ExecProcess", s -> s.execProcess(ExecProcessRequest.newBuilder().setContainerId(containerId)
                .setExecId(execId).setProcess(OciSpecs.process(p)).build()));
    }

    public void signalProcess(String containerId, String execId, int signal) {
        call("SignalProcess", s -> s.signalProcess(SignalProcessRequest.newBuilder().setContainerId(containerId)
                .setExecId(execId).setSignal(signal).build()));
    }

    /** Blocks until the process exits; its status, 128+N for signal N. */
    public int waitProcess(String containerId, String execId) {
        return waitExit(containerId, execId).status();
    }

    /** How a process ended, as WaitProcess says. */
    public record ProcessExit(int status, boolean oomKilled) {}

    /** Blocks until the process exits: its status, and whether the OOM killer ended it (jkata's extension). */
    public ProcessExit waitExit(String containerId, String execId) {
        try {
            dev.jkata.agent.protocol.proto.WaitProcessResponse r = longPoll("WaitProcess", s -> s.waitProcess(
                    WaitProcessRequest.newBuilder().setContainerId(containerId).setExecId(execId).build()));
            return new ProcessExit(r.getStatus(), r.getJkataOomKilled() && r.getStatus() == 128 + 9);
        } catch (StatusRuntimeException e) {
            throw map("WaitProcess", e, config.longPollDeadline(), false);
        }
    }

    /** Kata's StatsContainer: the container's cgroup figures, the guest's interfaces, jkata's disk and OOM fields. */
    public dev.jkata.agent.protocol.proto.StatsContainerResponse statsContainer(String containerId) {
        return call("StatsContainer", s -> s.statsContainer(dev.jkata.agent.protocol.proto.StatsContainerRequest
                .newBuilder().setContainerId(containerId).build()));
    }

    /** Up to {@code max} bytes of stdout; an empty array at the end of the stream. */
    public byte[] readStdout(String containerId, String execId, int max) {
        return read(false, containerId, execId, max);
    }

    /** Up to {@code max} bytes of stderr; an empty array at the end of the stream. */
    public byte[] readStderr(String containerId, String execId, int max) {
        return read(true, containerId, execId, max);
    }

    private byte[] read(boolean stderr, String containerId, String execId, int max) {
        ReadStreamRequest r = ReadStreamRequest.newBuilder().setContainerId(containerId).setExecId(execId).setLen(max).build();
        String op = stderr ? "ReadStderr" : "ReadStdout";
        try {
            ReadStreamResponse resp = longPoll(op, s -> stderr ? s.readStderr(r) : s.readStdout(r));
            if (resp.getData().size() > max) {
                throw new KataException(KataErrorReason.PROTOCOL_VIOLATION, op + " returned " + resp.getData().size()
                        + " bytes, more than the " + max + " asked for");
            }
            return resp.getData().toByteArray();
        } catch (StatusRuntimeException e) {
            if (AgentErrors.isEndOfStream(e)) {
                return new byte[0];
            }
            throw map(op, e, config.longPollDeadline(), false);
        }
    }

    /**
     * Hands stdin bytes to the agent, which takes what its queue has room for (perhaps fewer than {@code len}) and
     * waits for room while the process does not read: a long poll, asked again at its deadline, since a write the
     * agent did not answer took nothing.
     */
    public int writeStdin(String containerId, String execId, byte[] data, int off, int len) {
        WriteStreamRequest req = WriteStreamRequest.newBuilder().setContainerId(containerId)
                .setExecId(execId).setData(ByteString.copyFrom(data, off, len)).build();
        int n;
        try {
            n = longPoll("WriteStdin", s -> s.writeStdin(req)).getLen();
        } catch (StatusRuntimeException e) {
            throw map("WriteStdin", e, config.longPollDeadline(), false);
        }
        if (n < 0 || n > len) {
            throw new KataException(KataErrorReason.PROTOCOL_VIOLATION, "WriteStdin reported " + n + " of " + len + " bytes written");
        }
        return n;
    }

    public void closeStdin(String containerId, String execId) {
        call("CloseStdin", s -> s.closeStdin(CloseStdinRequest.newBuilder().setContainerId(containerId).setExecId(execId).build()));
    }

    public void ttyWinResize(String containerId, String execId, int columns, int rows) {
        call("TtyWinResize", s -> s.ttyWinResize(TtyWinResizeRequest.newBuilder().setContainerId(containerId)
                .setExecId(execId).setColumn(columns).setRow(rows).build()));
    }

    /**
     * One yamux ping to the guest, timed: the transport's floor under every RPC, for diagnostics.
     *
     * @throws KataTimeoutException when no answer comes within {@code timeout}; KataException when the session is gone
     */
    public Duration ping(Duration timeout) throws InterruptedException {
        return connection.ping(timeout);
    }

    /**
     * Opens a UNIX socket (mode 0600; put it in a directory only this user can enter) through which another
     * process of this user reaches the agent, a new yamux stream per connection; connections from other users
     * are refused (peer credentials). For a long-lived holder of the sandbox that short-lived processes talk to,
     * such as an OCI runtime's. Closed with this client.
     *
     * @throws KataException (reason IO) when the socket cannot be bound; ILLEGAL_STATE when one is open already
     */
    public Path exposeSocket(Path socketPath) {
        return connection.expose(socketPath);
    }

    /**
     * How to learn that the guest has died (a reason, else null): a call that fails because the connection went then
     * says why the guest went, not only that the connection closed.
     */
    public void onGuestDeath(Supplier<String> check) {
        this.guestDeath = java.util.Objects.requireNonNull(check, "check");
    }

    /** {@link AgentErrors#map}, plus the guest's death when the connection's end was the failure. */
    private KataException map(String op, StatusRuntimeException e, Duration deadline, boolean ownDeadlinePassed) {
        KataException mapped = AgentErrors.map(op, e, deadline, ownDeadlinePassed);
        io.grpc.Status.Code code = e.getStatus().getCode();
        if (closing || (code != io.grpc.Status.Code.UNAVAILABLE && code != io.grpc.Status.Code.CANCELLED)) {
            return mapped;
        }
        String dead = awaitDeath(guestDeath);
        return dead == null ? mapped : new KataException(KataErrorReason.AGENT_FAILED, op + " failed: " + dead, e);
    }

    /**
     * The guest's death, looked for a short while: a guest that dies closes the session a moment before its VM's end
     * is seen. Only once the session is closed; a guest that merely answers UNAVAILABLE costs nothing here.
     */
    private String awaitDeath(Supplier<String> check) {
        String dead = check.get();
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(GUEST_DEATH_WAIT_MS);
        while (dead == null && !closing && session.isClosed() && System.nanoTime() < until) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
                return null;
            }
            dead = check.get();
        }
        return dead;
    }

    private <T> T call(String op, Function<AgentServiceGrpc.AgentServiceBlockingStub, T> f) {
        long t0 = System.nanoTime();
        try {
            return f.apply(agent.withDeadlineAfter(config.callDeadline().toMillis(), TimeUnit.MILLISECONDS));
        } catch (StatusRuntimeException e) {
            throw map(op, e, config.callDeadline(), ownDeadlinePassed(t0, config.callDeadline()));
        }
    }

    /**
     * Whether a DEADLINE_EXCEEDED is the host's own deadline running out, rather than a status the guest sent
     * before it (which the guest may do to pass for a timeout).
     */
    private static boolean ownDeadlinePassed(long startedNanos, Duration deadline) {
        return System.nanoTime() - startedNanos >= deadline.toNanos() - TimeUnit.MILLISECONDS.toNanos(20);
    }

    /**
     * A call that waits for the guest (WaitProcess, ReadStdout): when its own deadline runs out with no answer, it is
     * asked again, so that waiting has no ceiling; closing the sandbox ends it sooner.
     */
    private <T> T longPoll(String op, Function<AgentServiceGrpc.AgentServiceBlockingStub, T> f) {
        while (true) {
            long t0 = System.nanoTime();
            try {
                return f.apply(agent.withDeadlineAfter(config.longPollDeadline().toMillis(), TimeUnit.MILLISECONDS));
            } catch (StatusRuntimeException e) {
                boolean ours = ownDeadlinePassed(t0, config.longPollDeadline());
                if (e.getStatus().getCode() == io.grpc.Status.Code.DEADLINE_EXCEEDED && ours && !session.isClosed()) {
                    LOG.debug("{} waited {} without an answer; asking again", op, config.longPollDeadline());
                    continue;
                }
                throw e;
            }
        }
    }

    /** Cancels every call in flight, closes the connector, any exposed socket, the yamux session and the socket. Idempotent. */
    @Override
    public void close() {
        closing = true;
        connection.close();
    }
}
