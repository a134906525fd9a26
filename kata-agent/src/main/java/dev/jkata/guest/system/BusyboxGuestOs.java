package dev.jkata.guest.system;

import java.time.Instant;
import java.util.List;

/** The real {@link GuestOs}: busybox {@code hostname}, {@code date -s @SECONDS} and {@code sync}. */
public final class BusyboxGuestOs implements GuestOs {

    @Override
    public void setHostname(String hostname) {
        Commands.run(List.of("hostname", hostname));
    }

    @Override
    public void setClock(Instant time) {
        // busybox date sets whole seconds; the microseconds the host sends are below what a guest under TCG keeps anyway
        Commands.run(List.of("date", "-u", "-s", "@" + time.getEpochSecond()));
    }

    @Override
    public void sync() {
        Commands.run(List.of("sync"));
    }
}
