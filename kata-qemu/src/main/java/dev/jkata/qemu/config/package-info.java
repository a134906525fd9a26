/**
 * The specification of one VM before it boots: {@link dev.jkata.qemu.config.QemuConfig}, an immutable record of
 * the machine-wide settings (machine, accelerator, CPUs, memory, boot source, run paths, RAM file) and a list of
 * {@link dev.jkata.qemu.device.QemuDevice}s, built by {@code QemuConfig.builder()}. A config that builds renders a
 * command line QEMU accepts; a bad one fails with {@link dev.jkata.qemu.errors.InvalidQemuConfigException} naming the
 * field at fault. The rules between the devices and the machine live in one package-private class.
 */
package dev.jkata.qemu.config;
