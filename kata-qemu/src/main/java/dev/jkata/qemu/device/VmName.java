package dev.jkata.qemu.device;

import dev.jkata.qemu.errors.InvalidQemuConfigException;
import java.util.List;
import java.util.regex.Pattern;

/** {@code -name <name>}: names the VM in QEMU's messages and in QMP's {@code query-name}; a failure names {@code name}. */
public record VmName(String name) implements QemuDevice {
    static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    public VmName {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new InvalidQemuConfigException("name", "'" + name + "' is not 1 to 64 letters, digits, '.', '-', '_'");
        }
    }

    @Override
    public List<String> args() {
        return List.of("-name", name);
    }
}
