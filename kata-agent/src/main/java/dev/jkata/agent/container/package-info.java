/**
 * Containers in the guest, as the Kata 1.x agent runs them but with crun: the {@link
 * dev.jkata.agent.container.GuestSandbox} holds the containers; CreateContainer mounts the storages, stacks a
 * writable overlay (tmpfs upper) on the read-only rootfs from the 9p share and writes the OCI bundle
 * ({@link dev.jkata.agent.container.BundleConfig}); StartContainer runs {@code crun run} in the foreground
 * so its stdio and exit status are the init's; exec, signals, process listing and removal go through the
 * {@link dev.jkata.agent.container.ContainerRuntime} seam, which the real agent implements with
 * {@link dev.jkata.agent.container.CrunRuntime} and tests with a fake.
 */
package dev.jkata.agent.container;
