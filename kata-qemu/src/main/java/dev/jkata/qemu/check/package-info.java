/**
 * kata-check for the QEMU side: {@link dev.jkata.qemu.check.HostCheck} inspects this host (QEMU binary and
 * version, the accelerator verdict, the QEMU devices jkata needs, seccomp support, setpriv, available memory)
 * and returns a {@link dev.jkata.qemu.check.HostReport} that renders as text and as JSON. Other modules add their
 * own {@link dev.jkata.qemu.check.CheckItem}s (kernel, guest image) to the same report.
 */
package dev.jkata.qemu.check;
