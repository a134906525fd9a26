package dev.jkata.agent;

import io.grpc.BindableService;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import dev.jkata.agent.rpc.AgentVersion;
import dev.jkata.agent.container.ContainerLayout;
import dev.jkata.agent.container.ContainerRuntime;
import dev.jkata.agent.container.CrunRuntime;
import dev.jkata.agent.container.ProcessTable;
import dev.jkata.agent.container.GuestSandbox;
import dev.jkata.agent.rpc.GrpcAgentService;
import dev.jkata.agent.rpc.GrpcHealthService;
import dev.jkata.agent.storage.CommandMounter;
import dev.jkata.agent.storage.Mounter;
import dev.jkata.agent.system.BusyboxGuestOs;
import dev.jkata.agent.system.FileCopier;
import dev.jkata.agent.system.GuestInfo;
import dev.jkata.agent.system.GuestOs;
import dev.jkata.agent.server.GrpcConnectionServer;
import dev.jkata.agent.server.VirtioPort;
import dev.jkata.agent.server.YamuxAgentServer;

import java.io.Closeable;
import java.util.List;

/**
 * The agent, wired: the sandbox with its runtime, mounter and guest OS, the gRPC services over them, the
 * gRPC server, and the yamux server that feeds it connections. {@link #forGuest} wires the real pieces;
 * {@link #create} takes any, which is how tests run the whole agent with fakes.
 */
public final class GuestAgent implements Closeable {
    private final GuestSandbox sandbox;
    private final GrpcConnectionServer grpc;
    private final YamuxAgentServer yamux;

    private GuestAgent(GuestSandbox sandbox, GrpcConnectionServer grpc) {
        this.sandbox = sandbox;
        this.grpc = grpc;
        this.yamux = new YamuxAgentServer(grpc, YamuxAgentServer.defaultConfig());
    }

    /** The agent with crun, busybox mount and the guest's files, as {@code config} places them. */
    public static GuestAgent forGuest(AgentConfig config) {
        ContainerLayout layout = new ContainerLayout(config.stateRoot(), config.cgroupRoot());
        return create(layout, CrunRuntime.forGuest(config.crun(), config.crunRoot()), new CommandMounter(),
                new BusyboxGuestOs(), GuestInfo.system(), new ProcessTable());
    }

    /** The agent over the given pieces; its gRPC server runs at once. */
    public static GuestAgent create(ContainerLayout layout, ContainerRuntime runtime, Mounter mounter, GuestOs os,
                                    GuestInfo info, ProcessTable processTable) {
        return create(layout, runtime, mounter, os, info, processTable, List.of());
    }

    /**
     * The agent over the given pieces, its agent service seen through {@code interceptors} (the first one outermost):
     * how a test double changes what the agent answers, e.g. to behave as another agent does.
     */
    public static GuestAgent create(ContainerLayout layout, ContainerRuntime runtime, Mounter mounter, GuestOs os,
                                    GuestInfo info, ProcessTable processTable, List<ServerInterceptor> interceptors) {
        GuestSandbox sandbox = new GuestSandbox(layout, runtime, mounter, os, GuestSandbox.Settings.defaults());
        AgentVersion version = AgentVersion.current();
        GrpcAgentService agent = new GrpcAgentService(sandbox, processTable, os, info,
                new FileCopier(layout.stateRoot()), version);
        BindableService service = interceptors.isEmpty() ? agent
                : () -> ServerInterceptors.interceptForward(agent, List.copyOf(interceptors));
        GrpcConnectionServer grpc = new GrpcConnectionServer(List.of(service, new GrpcHealthService(version)));
        return new GuestAgent(sandbox, grpc);
    }

    public GuestSandbox sandbox() { return sandbox; }

    /** The yamux server, to serve a session over any transport. */
    public YamuxAgentServer yamux() { return yamux; }

    /** Serves the virtio port until {@link #close()}: blocks. */
    public void servePort(VirtioPort port) {
        yamux.servePort(port);
    }

    @Override
    public void close() {
        yamux.close();
        grpc.close();
    }
}
