package dev.jkata.core.netns;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.core.guest.GuestNic;
import dev.jkata.guestimage.host.Command;
import dev.jkata.guestimage.host.HostTools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A throwaway network namespace ({@code ip netns add}) holding taps for a VM template whose sandboxes join a
 * namespace: the template's NICs are the devices its clones restore, on taps like theirs (the same features), with
 * placeholder MAC addresses (a clone's agent gives each interface its device's). Deleted, taps and all, by
 * {@link #close()}.
 */
public final class ScratchNamespace implements AutoCloseable {
    private static final Duration DEADLINE = Duration.ofSeconds(20);

    private final String name;
    private final List<GuestNic> nics;

    private ScratchNamespace(String name, List<GuestNic> nics) {
        this.name = name;
        this.nics = nics;
    }

    /**
     * A namespace {@code jktpl-<id>} with {@code count} taps owned by this process's user, named first in
     * {@value #RECORD} of {@code stateDir} (the template builder's state directory), so that the reaper deletes it
     * should this process die before {@link #close()}.
     */
    public static ScratchNamespace create(String id, int count, Path stateDir) {
        String name = "jktpl-" + id;
        Path ip = HostTools.IP.require();
        try {
            java.nio.file.Files.writeString(stateDir.resolve(RECORD), name + "\n");
        } catch (java.io.IOException e) {
            throw new KataException(KataErrorReason.IO, "cannot write " + stateDir.resolve(RECORD) + ": " + e.getMessage(), e);
        }
        run(Command.of(ip.toString(), "netns", "add", name), "make the namespace " + name);
        ScratchNamespace ns = new ScratchNamespace(name, new ArrayList<>());
        try {
            NamespaceCommands commands = new NamespaceCommands(ns.path(), id);
            int[] owner = JoinedNamespace.owner();
            for (int i = 0; i < count; i++) {
                String tap = JoinedNamespace.TAP_PREFIX + id.substring(0, Math.min(12, id.length())) + i;
                commands.ip("tuntap", "add", "dev", tap, "mode", "tap", "user", Integer.toString(owner[0]), "group",
                        Integer.toString(owner[1]));
                ns.nics.add(new GuestNic(ns.path(), tap, String.format("02:6b:61:74:62:%02x", i)));
            }
            return ns;
        } catch (RuntimeException e) {
            ns.close();
            throw e;
        }
    }

    /** The file in a template builder's state directory that names its scratch namespace. */
    public static final String RECORD = "scratch-netns";
    private static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("jktpl-[0-9a-f]{12}");

    /** Deletes the scratch namespace a dead template builder named in its state directory {@code dir}, if any. */
    public static void reapLeftovers(Path dir) {
        Path record = dir.resolve(RECORD);
        try {
            if (!java.nio.file.Files.isRegularFile(record) || java.nio.file.Files.size(record) > 64) {
                return;
            }
            String name = java.nio.file.Files.readString(record).strip();
            if (NAME.matcher(name).matches() && java.nio.file.Files.exists(Path.of("/run/netns", name))) {
                new ScratchNamespace(name, List.of()).close();
            }
        } catch (java.io.IOException | RuntimeException e) {
            // nothing to do: it holds only taps
        }
    }

    public Path path() {
        return Path.of("/run/netns", name);
    }

    /** The template's NICs, one on each tap. */
    public List<GuestNic> nics() {
        return List.copyOf(nics);
    }

    private static void run(Command c, String what) {
        Command.Result r = c.timeout(DEADLINE).run();
        if (!r.ok()) {
            throw new KataException(KataErrorReason.NETWORK_FAILED, "cannot " + what + ": "
                    + Command.lastLines(r.stderr(), 3).strip());
        }
    }

    /** Deletes the namespace; its taps go with it. Never throws. */
    @Override
    public void close() {
        try {
            Command.of(HostTools.IP.require().toString(), "netns", "del", name).timeout(DEADLINE).run();
        } catch (RuntimeException e) {
            // nothing more to do: a namespace that outlives us holds only taps
        }
    }
}
