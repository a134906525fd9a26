package dev.jkata.qemu.device;

import dev.jkata.qemu.errors.InvalidQemuConfigException;
import java.util.regex.Pattern;

/** The shape QEMU accepts for object and device ids. */
final class DeviceIds {
    private static final Pattern ID = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,63}");

    private DeviceIds() {
    }

    /** Checks an id: a letter, then up to 63 letters, digits, '-', '.', '_'. */
    static String require(String id, String what) {
        if (id == null || !ID.matcher(id).matches()) {
            throw new InvalidQemuConfigException(what,
                    "must be a QEMU id (a letter, then letters, digits, '-', '.', '_'): " + id);
        }
        return id;
    }
}
