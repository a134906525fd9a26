package dev.jkata.guest.fakes;

import dev.jkata.guest.system.GuestOs;

import java.time.Instant;

/** A fake {@link GuestOs} that remembers what it was told instead of changing the host. */
public final class FakeGuestOs implements GuestOs {
    private volatile String hostname = "";
    private volatile Instant clock;
    private volatile int syncs;

    public String hostname() { return hostname; }

    public Instant clock() { return clock; }

    public int syncs() { return syncs; }

    @Override
    public void setHostname(String hostname) { this.hostname = hostname; }

    @Override
    public void setClock(Instant time) { this.clock = time; }

    @Override
    public synchronized void sync() { syncs++; }
}
