package dev.jkata.qemu.device;

import java.util.List;

/**
 * One device or option group of a QEMU command line. Implementations are immutable and render the same
 * arguments every time.
 */
public interface QemuDevice {
    /** The arguments this device adds to QEMU's command line, in order, e.g. {@code ["-smp", "2"]}. */
    List<String> args();

    /**
     * Escapes a value placed inside QEMU's {@code key=value,key=value} option syntax: a comma is written as
     * two commas.
     */
    static String escape(String value) {
        return value.replace(",", ",,");
    }
}
