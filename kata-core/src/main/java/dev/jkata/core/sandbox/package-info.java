/**
 * The sandbox: a guest (from a {@link dev.jkata.core.guest.GuestLauncher}) and the host's agent client,
 * driven through an explicit state machine. Starting one resolves the container root file system, launches
 * the guest with the shares, waits for the agent, and creates the default container; closing one removes every
 * process, socket and directory it made, on every path. Containers' processes are {@code dev.jkata.core.shim}
 * objects over the agent.
 */
package dev.jkata.core.sandbox;
