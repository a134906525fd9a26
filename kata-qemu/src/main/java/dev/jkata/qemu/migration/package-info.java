/**
 * Saving a running VM's device state and starting another QEMU from it: the mechanism under VM templates. The
 * guest's RAM is never copied: it lives in a file ({@link dev.jkata.qemu.config.RamFile}) and migration runs with
 * {@code x-ignore-shared}; only the device state (a few hundred KiB) travels, over a UNIX socket in the VM's run
 * directory (QEMU's seccomp filter forbids the {@code exec:} transport).
 */
package dev.jkata.qemu.migration;
