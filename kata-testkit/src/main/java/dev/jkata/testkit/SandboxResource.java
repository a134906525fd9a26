package dev.jkata.testkit;

import dev.jkata.api.Sandbox;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A started sandbox kept in JUnit's store, which closes it when the store's context ends, whatever the
 * outcome of the tests. It is both {@link AutoCloseable} (how JUnit 5.13 and later close stored values) and a
 * {@code CloseableResource} (how older versions do, and newer ones when closing {@code AutoCloseable} values
 * is switched off); JUnit closes it once either way, and {@link Sandbox#close()} is idempotent besides.
 */
@SuppressWarnings("deprecation")
final class SandboxResource implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxResource.class);

    private final Sandbox sandbox;
    private final String owner;

    SandboxResource(Sandbox sandbox, String owner) {
        this.sandbox = sandbox;
        this.owner = owner;
    }

    Sandbox sandbox() {
        return sandbox;
    }

    @Override
    public void close() {
        long t0 = System.nanoTime();
        sandbox.close();
        LOG.debug("Closed sandbox {} of {} in {} ms", sandbox.id(), owner, (System.nanoTime() - t0) / 1_000_000);
    }

    @Override
    public String toString() {
        return "SandboxResource[" + sandbox.id() + " of " + owner + "]";
    }
}
