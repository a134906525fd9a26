/**
 * The seam between a sandbox and what it runs on. A {@link dev.jkata.core.guest.GuestLauncher} turns a
 * {@link dev.jkata.core.guest.GuestRequest} into a live {@link dev.jkata.core.guest.Guest}: something with a
 * Kata 1.x agent listening on a UNIX socket (a yamux server session per connection), the host directories of the
 * request shared under their tags, and a way to stop. The sandbox drives the agent; the launcher owns the rest,
 * including what its guest leaves in a sandbox directory whose JVM died
 * ({@link dev.jkata.core.guest.GuestLauncher#reapAbandoned}).
 * kata-core's launcher boots QEMU VMs ({@code dev.jkata.core.qemu}); kata-testkit's fake hypervisor serves the
 * real agent inside the test's JVM.
 */
package dev.jkata.core.guest;
