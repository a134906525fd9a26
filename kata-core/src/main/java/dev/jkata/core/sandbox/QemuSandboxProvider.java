package dev.jkata.core.sandbox;

import dev.jkata.core.guest.GuestLauncher;
import dev.jkata.core.qemu.QemuGuestLauncher;

/** The real provider: every sandbox is a QEMU virtual machine. Found by {@link java.util.ServiceLoader}. */
public final class QemuSandboxProvider extends GuestSandboxProvider {

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    protected GuestLauncher launcher() {
        return new QemuGuestLauncher();
    }
}
