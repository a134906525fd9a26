/**
 * Accelerator detection: decides whether this host can run a guest under KVM or must fall back to TCG
 * (QEMU's software emulation), and says why.
 *
 * <p>KVM is chosen only when it can boot a stock guest kernel: the CPU exposes {@code vmx} or {@code svm},
 * {@code /dev/kvm} is not the PVM backend ({@code kvm_pvm}), and {@code /dev/kvm} answers
 * {@code KVM_GET_API_VERSION} with 12 and lets us create a VM. Everything else gets TCG, said once at WARN.
 * The decision logic takes its inputs as values ({@link dev.jkata.qemu.accel.HostFacts}) so tests can feed it
 * any host.
 */
package dev.jkata.qemu.accel;
