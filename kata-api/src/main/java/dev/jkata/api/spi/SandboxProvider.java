package dev.jkata.api.spi;

import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxSpec;

/**
 * The service-provider interface that turns a {@link SandboxSpec} into a running {@link Sandbox}. kata-core
 * provides the real one (QEMU VMs); kata-testkit a fake for fast unit tests. Found with
 * {@link java.util.ServiceLoader}; the highest {@link #priority()} among the {@link #isAvailable() available}
 * ones wins.
 */
public interface SandboxProvider {

    /** Whether this provider can work on this host (its classes and tools are present). */
    boolean isAvailable();

    /** Higher wins; the real VM provider is 10, fakes are lower and must be chosen explicitly. */
    int priority();

    /** Boots a sandbox; on failure releases everything it made and throws. */
    Sandbox start(SandboxSpec spec);
}
