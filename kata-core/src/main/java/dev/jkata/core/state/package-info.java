/**
 * Sandbox state on the host: one directory per sandbox (owner lock, and what its guest keeps there: sockets, pid
 * file, console log) and the reaper that removes what dead owners left behind, asking the guest launchers to end
 * what their guests left running (the QEMU launcher kills the VM); the reaper itself knows no QEMU file.
 */
package dev.jkata.core.state;
