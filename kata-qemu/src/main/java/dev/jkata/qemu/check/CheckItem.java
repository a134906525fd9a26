package dev.jkata.qemu.check;

import java.util.Objects;

/**
 * One line of a host report.
 *
 * @param name   what was checked, short: {@code qemu}, {@code accelerator}, {@code kernel}
 * @param status OK, WARN or FAIL
 * @param detail what was found, and for a failure what to do
 */
public record CheckItem(String name, CheckStatus status, String detail) {
    public CheckItem {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(detail, "detail");
    }

    public static CheckItem ok(String name, String detail) { return new CheckItem(name, CheckStatus.OK, detail); }

    public static CheckItem warn(String name, String detail) { return new CheckItem(name, CheckStatus.WARN, detail); }

    public static CheckItem fail(String name, String detail) { return new CheckItem(name, CheckStatus.FAIL, detail); }

    /** Whether this check does not prevent running VMs (OK or WARN). */
    public boolean passed() { return status != CheckStatus.FAIL; }
}
