/**
 * Guests that are QEMU virtual machines: {@link dev.jkata.core.qemu.QemuGuestLauncher} builds or finds the
 * guest image, checks the memory it needs, launches QEMU with the sandbox's shares, and follows the serial
 * console into SLF4J; a failed VM's console log is kept in the cache's {@code logs/} folder; the QEMU an
 * abandoned sandbox left running is killed when the sweep asks. kata-qemu's {@code QemuException}s become this
 * library's {@code KataException}s here, in one place ({@code QemuErrors}), so nothing above sees a kata-qemu type.
 */
package dev.jkata.core.qemu;
