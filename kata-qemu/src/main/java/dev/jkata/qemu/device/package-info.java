/**
 * QEMU's command line, one typed record per device or option group. Each record renders its own arguments
 * ({@link dev.jkata.qemu.device.QemuDevice#args()}), escapes the values it embeds in QEMU's {@code key=value,...}
 * syntax, and checks its own values when constructed, failing with an
 * {@link dev.jkata.qemu.errors.InvalidQemuConfigException} naming the field; no layer above re-checks them.
 *
 * <p>A device that needs something of the whole VM declares it: memory hotplug room
 * ({@link dev.jkata.qemu.device.QemuDevice#hotplugRoom()}) or a {@code -machine} option
 * ({@link dev.jkata.qemu.device.QemuDevice#machineFeatures()}). {@code QemuConfig} checks
 * those needs, and the rules between devices, in one place. To add a device, write a record here and pass it to
 * {@code QemuConfig.Builder.device(...)}; nothing else changes.
 */
package dev.jkata.qemu.device;
