package dev.jkata.agent.system;

import java.time.Instant;
import java.util.List;

/** The real {@link GuestOs}: busybox {@code hostname}, {@code sync} and {@code ip}; the clock through {@code clock_settime}. */
public final class BusyboxGuestOs implements GuestOs {
    private final dev.jkata.agent.network.GuestNetwork network =
            new dev.jkata.agent.network.GuestNetwork(java.nio.file.Path.of("/sys/class/net"), Commands::run);

    @Override
    public dev.jkata.agent.protocol.proto.Interface updateInterface(dev.jkata.agent.protocol.proto.Interface iface) {
        return network.updateInterface(iface);
    }

    @Override
    public List<dev.jkata.agent.protocol.proto.Route> updateRoutes(List<dev.jkata.agent.protocol.proto.Route> routes) {
        return network.updateRoutes(routes);
    }

    @Override
    public void reseedRandom(byte[] seed) {
        RandomPool.reseed(seed);
    }

    @Override
    public void setHostname(String hostname) {
        Commands.run(List.of("hostname", hostname));
    }

    @Override
    public void setClock(Instant time) {
        try {
            SystemClock.set(time); // to the nanosecond the host sent
        } catch (RuntimeException | LinkageError e) {
            // no C library to call: busybox date, which keeps whole seconds only
            Commands.run(List.of("date", "-u", "-s", "@" + time.getEpochSecond()));
        }
    }

    @Override
    public void sync() {
        Commands.run(List.of("sync"));
    }
}
