package dev.jkata.testkit;

/**
 * Which fake a {@link KataSandbox} uses instead of a virtual machine. Both run the sandbox's commands as
 * <strong>ordinary host processes, as the test's user, with no isolation</strong>: for fast unit tests of code
 * that drives a sandbox, never for untrusted commands.
 */
public enum Fake {
    /** No fake: a real sandbox, a QEMU virtual machine. */
    NONE,
    /**
     * {@link dev.jkata.testkit.fake.FakeHypervisorProvider}: the real agent inside the test's JVM, reached through
     * the real agent client, yamux and shim; no file system emulation (absolute paths are the host's).
     */
    AGENT,
    /**
     * {@link dev.jkata.testkit.fake.FakeSandboxProvider}: no agent at all; a temporary directory stands in for each
     * container's {@code /}, and shares are copied (read-only) or linked (writable) into it.
     */
    HOST
}
