package dev.jkata.agent.storage;

import dev.jkata.agent.errors.AgentException;
import dev.jkata.agent.system.Commands;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The real {@link Mounter}: runs the guest's busybox {@code mount} and {@code umount}. */
public final class CommandMounter implements Mounter {
    private final String mount;
    private final String umount;

    /** Uses {@code mount} and {@code umount} from the PATH. */
    public CommandMounter() {
        this("mount", "umount");
    }

    public CommandMounter(String mountCommand, String umountCommand) {
        this.mount = mountCommand;
        this.umount = umountCommand;
    }

    @Override
    public void mount(String source, Path target, String fsType, List<String> options) {
        List<String> cmd = new ArrayList<>(List.of(mount, "-t", fsType));
        if (!options.isEmpty()) {
            cmd.add("-o");
            cmd.add(String.join(",", options));
        }
        cmd.add(source);
        cmd.add(target.toString());
        Commands.run(cmd);
    }

    @Override
    public void flushBuffers(Path device) {
        Commands.run(List.of("blockdev", "--flushbufs", device.toString()));
    }

    @Override
    public void dropCaches() {
        try {
            java.nio.file.Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3\n");
        } catch (java.io.IOException e) {
            // the retry goes ahead without it
        }
    }

    @Override
    public String kernelLog(String device) {
        try {
            String name = Path.of(device).getFileName().toString();
            String said = String.join(" | ", Commands.run(List.of("dmesg")).lines().filter(l -> l.contains(name)).toList());
            return said.length() > 600 ? said.substring(said.length() - 600) : said;
        } catch (RuntimeException e) {
            return "";
        }
    }

    @Override
    public void unmount(Path target) {
        try {
            Commands.run(List.of(umount, target.toString()));
        } catch (AgentException busy) {
            Commands.run(List.of(umount, "-l", target.toString()));
        }
    }
}
