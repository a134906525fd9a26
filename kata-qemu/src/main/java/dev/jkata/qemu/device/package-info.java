/**
 * QEMU's command line, one typed record per device or option group. Each record renders its own arguments
 * ({@link dev.jkata.qemu.device.QemuDevice#args()}) and escapes the values it embeds in QEMU's
 * {@code key=value,...} syntax, so no caller ever concatenates option strings by hand.
 *
 * <p>The records check only their own shape (non-null, well-formed ids); cross-field rules such as
 * "nvdimm needs hotplug memory" belong to {@link dev.jkata.qemu.config.QemuConfig}.
 */
package dev.jkata.qemu.device;
