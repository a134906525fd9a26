/**
 * Runs QEMU: {@link dev.jkata.qemu.QemuHypervisor} launches a VM from a
 * {@link dev.jkata.qemu.config.QemuConfig} and hands back a live {@link dev.jkata.qemu.QemuVm}, which supervises
 * the QEMU process until it is reaped.
 *
 * <p>Responsibilities: finding the QEMU binary; starting QEMU as a direct child under
 * {@code setpriv --pdeathsig KILL} from one long-lived thread, so QEMU dies with the JVM even on {@code kill -9};
 * keeping the last lines of QEMU's stderr; noticing an exit at once and reporting it with QEMU's stderr and the
 * guest console; a graceful-then-forced stop; removing the VM's sockets and pid file, and its console log unless
 * the VM failed; killing, by its pid file, a QEMU whose launching JVM died without stopping it
 * ({@link dev.jkata.qemu.QemuLeftovers}). Sub-packages: {@code config} (the spec), {@code device} (argv
 * rendering), {@code accel} (KVM or TCG), {@code qmp} (the control protocol), {@code migration} (device state for
 * templates), {@code check} (host readiness report).
 *
 * <p>Every failure raised on purpose is an unchecked {@link dev.jkata.qemu.errors.QemuException}, one subclass per kind,
 * in terms of QEMU (a bad config, a failed launch, a QMP error, a missed deadline); what that means to a sandbox's
 * user is decided above, by kata-core. kata-api supplies only value types here ({@code MemorySize},
 * {@code Accelerator}).
 */
package dev.jkata.qemu;
