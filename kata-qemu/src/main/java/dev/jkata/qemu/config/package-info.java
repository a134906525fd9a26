/**
 * The specification of one VM before it boots: {@link dev.jkata.qemu.config.QemuConfig}, an immutable record
 * built by {@code QemuConfig.builder()} and validated as a whole when built. A config that builds renders a
 * command line QEMU accepts; a bad one fails with {@link dev.jkata.api.InvalidConfigurationException} naming the
 * builder field at fault. The config turns itself into {@link dev.jkata.qemu.device.QemuDevice}s and argv.
 */
package dev.jkata.qemu.config;
