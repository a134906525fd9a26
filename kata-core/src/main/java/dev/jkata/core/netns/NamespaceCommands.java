package dev.jkata.core.netns;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.guestimage.host.Command;
import dev.jkata.guestimage.host.HostTools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs iproute2's {@code ip} and {@code tc} inside one network namespace ({@code nsenter --net=PATH}), each with a
 * deadline; a failure is a {@link KataException} (NETWORK_FAILED) quoting the tool.
 */
final class NamespaceCommands {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private final Path netns;
    private final String sandboxId;
    private final Path nsenter;

    /** The namespace's identity when first seen: a /proc/PID path names another once that PID is reused. */
    private final String identity;

    NamespaceCommands(Path netns, String sandboxId) {
        this.netns = netns;
        this.sandboxId = sandboxId;
        this.nsenter = HostTools.NSENTER.require();
        HostTools.IP.require();
        HostTools.TC.require();
        this.identity = identity(netns);
    }

    Path netns() { return netns; }

    /** The namespace's device and inode ({@code dev:ino} of its nsfs file), or empty when it cannot be read. */
    static String identity(Path netns) {
        try {
            return Files.getAttribute(netns, "unix:dev") + ":" + Files.getAttribute(netns, "unix:ino");
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    /** The identity this was made with: what a record of the namespace keeps. */
    String identity() { return identity; }

    /** {@code ip ARGS} in the namespace; its standard output. */
    String ip(String... args) {
        return run(HostTools.IP, args).stdout();
    }

    /** {@code tc ARGS} in the namespace. */
    void tc(String... args) {
        run(HostTools.TC, args);
    }

    /** {@code ip ARGS}, its failure returned rather than thrown (for teardown, where the device may be gone). */
    Command.Result tryIp(String... args) {
        return command(HostTools.IP, args).run();
    }

    /** {@code tc ARGS}, its failure returned rather than thrown. */
    Command.Result tryTc(String... args) {
        return command(HostTools.TC, args).run();
    }

    private Command.Result run(HostTools tool, String... args) {
        Command.Result r = command(tool, args).run();
        if (!r.ok()) {
            throw new KataException(KataErrorReason.NETWORK_FAILED, "network: '" + tool.binary() + " "
                    + String.join(" ", args) + "' in " + netns + " failed (exit " + r.exitCode() + "): "
                    + Command.lastLines(r.stderr(), 5).strip(), sandboxId, null);
        }
        return r;
    }

    private Command command(HostTools tool, String... args) {
        if (identity.isEmpty() || !identity.equals(identity(netns))) {
            throw new KataException(KataErrorReason.NETWORK_FAILED, "network: " + netns + " is no longer the network"
                    + " namespace it was (" + identity + "): its process is gone, or it was replaced", sandboxId, null);
        }
        List<String> argv = new ArrayList<>(List.of(nsenter.toString(), "--net=" + netns, "--", tool.require().toString()));
        argv.addAll(List.of(args));
        return Command.of(argv).timeout(DEADLINE);
    }
}
