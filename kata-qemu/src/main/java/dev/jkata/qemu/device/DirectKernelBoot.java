package dev.jkata.qemu.device;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code -kernel <file> [-initrd <file>] -append <command line>}: boots a Linux kernel straight from the host
 * file, without firmware boot media.
 */
public record DirectKernelBoot(Path kernel, Optional<Path> initrd, String commandLine) implements QemuDevice {
    public DirectKernelBoot {
        Objects.requireNonNull(kernel, "kernel");
        Objects.requireNonNull(initrd, "initrd");
        Objects.requireNonNull(commandLine, "commandLine");
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
