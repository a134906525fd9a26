package dev.jkata.qemu.device;

import dev.jkata.qemu.errors.InvalidQemuConfigException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code -kernel <file> [-initrd <file>] -append <command line>}: boots a Linux kernel straight from the host
 * file, without firmware boot media. The kernel and initrd must be readable files (made absolute: QEMU runs in
 * the run directory); the command line has no control characters and fits the kernel's
 * {@value #MAX_COMMAND_LINE_BYTES} bytes. A failure names {@code kernel}, {@code initrd} or {@code append}.
 */
public record DirectKernelBoot(Path kernel, Optional<Path> initrd, String commandLine) implements QemuDevice {
    /** x86 Linux's COMMAND_LINE_SIZE less the terminating NUL. */
    public static final int MAX_COMMAND_LINE_BYTES = 2047;

    public DirectKernelBoot {
        kernel = HostFiles.requireReadable(kernel, "kernel");
        Objects.requireNonNull(initrd, "initrd");
        initrd = initrd.map(i -> HostFiles.requireReadable(i, "initrd"));
        if (commandLine == null) {
            throw new InvalidQemuConfigException("append", "is required");
        }
        if (commandLine.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new InvalidQemuConfigException("append", "must not contain control characters such as newlines");
        }
        int bytes = commandLine.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_COMMAND_LINE_BYTES) {
            throw new InvalidQemuConfigException("append", "the kernel command line is " + bytes
                    + " bytes, more than the kernel's " + MAX_COMMAND_LINE_BYTES);
        }
    }

    @Override
    public List<String> args() {
        List<String> a = new ArrayList<>(List.of("-kernel", kernel.toString()));
        initrd.ifPresent(i -> {
            a.add("-initrd");
            a.add(i.toString());
        });
        a.add("-append");
        a.add(commandLine);
        return List.copyOf(a);
    }
}
