package dev.jkata.agent.system;

import java.time.Instant;

/**
 * What the agent changes in the guest system itself. The real one runs busybox commands; tests use a fake,
 * so that a unit test never sets the host's clock or name.
 */
public interface GuestOs {

    /** Sets the guest's host name (the UTS name containers without their own inherit). */
    void setHostname(String hostname);

    /** Sets the guest's wall clock. */
    void setClock(Instant time);

    /** Configures one network interface as Kata's UpdateInterface asks, and returns it as configured. */
    dev.jkata.agent.protocol.proto.Interface updateInterface(dev.jkata.agent.protocol.proto.Interface iface);

    /** Adds or replaces routes as Kata's UpdateRoutes asks. */
    java.util.List<dev.jkata.agent.protocol.proto.Route> updateRoutes(java.util.List<dev.jkata.agent.protocol.proto.Route> routes);

    /** Mixes {@code seed} into the kernel's random pool and reseeds its generator from it at once. */
    void reseedRandom(byte[] seed);

    /** Flushes file system buffers, before the host powers the VM off. */
    void sync();
}
