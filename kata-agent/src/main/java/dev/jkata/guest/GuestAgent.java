package dev.jkata.guest;

import dev.jkata.guest.rpc.AgentVersion;
import dev.jkata.guest.container.ContainerLayout;
import dev.jkata.guest.container.ContainerRuntime;
import dev.jkata.guest.container.CrunRuntime;
import dev.jkata.guest.container.ProcessTable;
import dev.jkata.guest.container.Sandbox;
import dev.jkata.guest.rpc.GrpcAgentService;
import dev.jkata.guest.rpc.GrpcHealthService;
import dev.jkata.guest.storage.CommandMounter;
import dev.jkata.guest.storage.Mounter;
import dev.jkata.guest.system.BusyboxGuestOs;
import dev.jkata.guest.system.FileCopier;
import dev.jkata.guest.system.GuestInfo;
import dev.jkata.guest.system.GuestOs;
import dev.jkata.guest.transport.GrpcConnectionServer;
import dev.jkata.guest.transport.VirtioPort;
import dev.jkata.guest.transport.YamuxAgentServer;

import java.io.Closeable;
import java.util.List;

/**
 * The agent, wired: the sandbox with its runtime, mounter and guest OS, the gRPC services over them, the
 * gRPC server, and the yamux server that feeds it connections. {@link #forGuest} wires the real pieces;
 * {@link #create} takes any, which is how tests run the whole agent with fakes.
 */
public final class GuestAgent implements Closeable {
    private final Sandbox sandbox;
    private final GrpcConnectionServer grpc;
    private final YamuxAgentServer yamux;

    private GuestAgent(Sandbox sandbox, GrpcConnectionServer grpc) {
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
        Sandbox sandbox = new Sandbox(layout, runtime, mounter, os, Sandbox.Settings.defaults());
        AgentVersion version = AgentVersion.current();
        GrpcAgentService agent = new GrpcAgentService(sandbox, processTable, os, info,
                new FileCopier(layout.stateRoot()), version);
        GrpcConnectionServer grpc = new GrpcConnectionServer(List.of(agent, new GrpcHealthService(version)));
        return new GuestAgent(sandbox, grpc);
    }

    public Sandbox sandbox() { return sandbox; }

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
