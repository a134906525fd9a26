package dev.jkata.core.netns;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.guestimage.host.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A tap device beside one device of a network namespace, the two mirrored into each other (Kata 1.x's "tcfilter"
 * model): an {@code ingress} qdisc on each and a match-all {@code u32} filter whose action redirects every frame
 * out of the other. What arrives on the engine's device leaves through the tap into the guest, and what the guest
 * sends leaves through the engine's device; the namespace's own stack sees neither.
 */
final class MirroredTap {
    private static final Logger LOG = LoggerFactory.getLogger(MirroredTap.class);

    private final NamespaceCommands commands;
    private final NamespaceLinks.Link link;
    private final String tapName;
    /** Whether the ingress qdisc on the engine's device is ours: only once adding it succeeded. */
    private boolean mirrorOwned;
    private boolean removed;

    private MirroredTap(NamespaceCommands commands, NamespaceLinks.Link link, String tapName) {
        this.commands = commands;
        this.link = link;
        this.tapName = tapName;
    }

    /** Makes tap {@code tapName} owned by {@code uid:gid} with the device's MTU, and mirrors it to {@code link}. */
    static MirroredTap attach(NamespaceCommands commands, NamespaceLinks.Link link, String tapName, int uid, int gid,
                              String sandboxId, java.util.function.Consumer<String> journal) {
        Command.Result made = commands.tryIp("tuntap", "add", "dev", tapName, "mode", "tap", "user", Integer.toString(uid),
                "group", Integer.toString(gid));
        if (!made.ok()) {
            throw new KataException(KataErrorReason.NETWORK_FAILED, "network: cannot make tap " + tapName + " in "
                    + commands.netns() + " (a device of that name exists, or this process lacks CAP_NET_ADMIN there): "
                    + Command.lastLines(made.stderr(), 3).strip(), sandboxId, null);
        }
        MirroredTap tap = new MirroredTap(commands, link, tapName);
        try {
            commands.ip("link", "set", "dev", tapName, "mtu", Integer.toString(link.mtu()), "up");
            Command.Result q = commands.tryTc("qdisc", "add", "dev", link.name(), "handle", "ffff:", "ingress");
            if (!q.ok()) {
                throw new KataException(KataErrorReason.NETWORK_FAILED, "network: " + link.name() + " in "
                        + commands.netns() + " already has an ingress qdisc (another runtime's mirror?), so it cannot"
                        + " be mirrored to a VM: " + Command.lastLines(q.stderr(), 3).strip(), sandboxId, null);
            }
            tap.mirrorOwned = true;
            journal.accept("mirror " + tapName + " " + link.name());
            redirect(commands, link.name(), tapName);
            commands.tc("qdisc", "add", "dev", tapName, "handle", "ffff:", "ingress");
            redirect(commands, tapName, link.name());
            if (!link.up()) {
                commands.ip("link", "set", "dev", link.name(), "up");
            }
            return tap;
        } catch (RuntimeException e) {
            tap.remove();
            throw e;
        }
    }

    private static void redirect(NamespaceCommands commands, String from, String to) {
        commands.tc("filter", "add", "dev", from, "parent", "ffff:", "protocol", "all", "u32", "match", "u8", "0", "0",
                "action", "mirred", "egress", "redirect", "dev", to);
    }

    String tapName() { return tapName; }

    NamespaceLinks.Link link() { return link; }

    /** Deletes the tap (its qdisc and filter go with it) and the device's ingress qdisc. Idempotent; never throws. */
    synchronized void remove() {
        if (removed) {
            return;
        }
        removed = true;
        try {
            Command.Result del = commands.tryIp("link", "del", "dev", tapName);
            if (!del.ok()) {
                LOG.debug("removing tap {} in {}: {}", tapName, commands.netns(), del.stderr().strip());
            }
            if (mirrorOwned) { // else the device's qdisc is another's, or there is none
                Command.Result q = commands.tryTc("qdisc", "del", "dev", link.name(), "handle", "ffff:", "ingress");
                if (!q.ok()) {
                    LOG.debug("removing the mirror on {} in {}: {}", link.name(), commands.netns(), q.stderr().strip());
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("could not remove tap {} in {}: {}", tapName, commands.netns(), e.getMessage());
        }
    }

    @Override
    public String toString() {
        return tapName + "<->" + link.name();
    }
}
