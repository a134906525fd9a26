package dev.jkata.core.sandbox;

import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxProvider;
import dev.jkata.api.SandboxSpec;

/** The real provider: every sandbox is a QEMU virtual machine. Found by {@link java.util.ServiceLoader}. */
public final class QemuSandboxProvider implements SandboxProvider {

    @Override
    public boolean isAvailable() {
        return true;
    }

    @Override
    public int priority() {
        return 10;
    }

    @Override
    public Sandbox start(SandboxSpec spec) {
        return QemuSandbox.start(spec);
    }
}
