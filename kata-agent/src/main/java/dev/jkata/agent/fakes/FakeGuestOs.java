package dev.jkata.agent.fakes;

import dev.jkata.agent.system.GuestOs;

import java.time.Instant;

/** A fake {@link GuestOs} that remembers what it was told instead of changing the host. */
public final class FakeGuestOs implements GuestOs {
    private volatile String hostname = "";
    private volatile Instant clock;
    private volatile int syncs;
    private volatile byte[] seed = new byte[0];

    /** The last bytes {@link #reseedRandom} was given. */
    public byte[] seed() { return seed.clone(); }

    @Override
    public void reseedRandom(byte[] seed) { this.seed = seed.clone(); }

    public String hostname() { return hostname; }

    public Instant clock() { return clock; }

    public int syncs() { return syncs; }

    @Override
    public void setHostname(String hostname) { this.hostname = hostname; }

    @Override
    public void setClock(Instant time) { this.clock = time; }

    @Override
    public synchronized void sync() { syncs++; }

    private final java.util.List<dev.jkata.agent.protocol.proto.Interface> interfaces = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final java.util.List<dev.jkata.agent.protocol.proto.Route> routes = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** The interfaces UpdateInterface set, in order. */
    public java.util.List<dev.jkata.agent.protocol.proto.Interface> interfaces() { return java.util.List.copyOf(interfaces); }

    /** The routes UpdateRoutes set, in order. */
    public java.util.List<dev.jkata.agent.protocol.proto.Route> routes() { return java.util.List.copyOf(routes); }

    @Override
    public dev.jkata.agent.protocol.proto.Interface updateInterface(dev.jkata.agent.protocol.proto.Interface iface) {
        interfaces.add(iface);
        return iface;
    }

    @Override
    public java.util.List<dev.jkata.agent.protocol.proto.Route> updateRoutes(java.util.List<dev.jkata.agent.protocol.proto.Route> r) {
        routes.addAll(r);
        return r;
    }
}
