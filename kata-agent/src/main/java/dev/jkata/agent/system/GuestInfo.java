package dev.jkata.agent.system;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Facts about the guest read from sysfs, for GetGuestDetails.
 *
 * @param sysfs the sysfs mount point, {@code /sys} in the guest; a test points it at a directory it made
 */
public record GuestInfo(Path sysfs) {

    /** The guest's own sysfs. */
    public static GuestInfo system() { return new GuestInfo(Path.of("/sys")); }

    /** The memory hotplug block size, from {@code devices/system/memory/block_size_bytes} (hexadecimal), when the kernel has one. */
    public OptionalLong memoryBlockSize() {
        Path p = sysfs.resolve("devices/system/memory/block_size_bytes");
        try {
            String hex = Files.readString(p, StandardCharsets.US_ASCII).strip();
            return hex.isEmpty() ? OptionalLong.empty() : OptionalLong.of(Long.parseUnsignedLong(hex, 16));
        } catch (IOException | NumberFormatException e) {
            return OptionalLong.empty();
        }
    }

    /** Whether the kernel takes memory hotplug by probe ({@code devices/system/memory/probe}). */
    public boolean memoryHotplugProbe() {
        return Files.exists(sysfs.resolve("devices/system/memory/probe"));
    }
}
