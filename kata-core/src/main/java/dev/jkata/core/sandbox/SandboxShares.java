package dev.jkata.core.sandbox;

import dev.jkata.agent.client.BindMount;
import dev.jkata.agent.client.StorageMount;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.api.SandboxSpec;
import dev.jkata.core.guest.GuestShare;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a sandbox shares with its guest over 9p, the container root file system first: the spec's directories (each
 * bound into every container at its guest path), the files it shares one by one (copied into one read-only share,
 * each bound alone), and its {@link SandboxSpec#containerRoots() container roots} (bound into none). Where a share
 * is mounted in the guest is known once the guest runs; {@link #mounts} and {@link #storages} take it then.
 */
final class SandboxShares {
    private static final Logger LOG = LoggerFactory.getLogger(SandboxShares.class);
    /** The share of {@link SandboxSpec#containerRoots()}: other containers' root file systems, never bound into one. */
    static final String ROOTS_TAG = "jkroots";
    /** The share that holds copies of the files shared one by one ({@code share(FILE, ...)}). */
    static final String FILES_TAG = "jkfiles";

    /** A bind into every container from share {@code tag} ({@code file}: "" for the share itself, or "/NAME"). */
    private record ShareMount(String tag, String file, String guestPath, boolean readOnly) {}

    private final List<GuestShare> all = new ArrayList<>();
    private final List<ShareMount> placed = new ArrayList<>();

    private SandboxShares() {}

    /**
     * The shares of {@code spec}'s sandbox after {@code rootfs}; shared files are copied into {@code stateDir}/files.
     *
     * @throws KataException (IO) when a shared file cannot be copied
     */
    static SandboxShares of(SandboxSpec spec, GuestShare rootfs, Path stateDir, String sandboxId) {
        SandboxShares s = new SandboxShares();
        s.all.add(rootfs);
        List<SandboxSpec.Share> files = new ArrayList<>();
        int n = 0;
        for (SandboxSpec.Share share : spec.shares()) {
            if (Files.isRegularFile(share.hostPath())) {
                files.add(share);
                continue;
            }
            String tag = "jkshare" + n++;
            s.all.add(new GuestShare(share.hostPath(), tag, share.readOnly(), writableSafely(share)));
            s.placed.add(new ShareMount(tag, "", share.guestPath(), share.readOnly()));
        }
        if (!files.isEmpty()) {
            s.all.add(new GuestShare(s.copyFiles(files, stateDir.resolve("files"), sandboxId), FILES_TAG, true, false));
        }
        spec.containerRoots().ifPresent(dir -> s.all.add(new GuestShare(dir, ROOTS_TAG, true, false)));
        return s;
    }

    /** Every share, the container root file system first. */
    List<GuestShare> all() {
        return List.copyOf(all);
    }

    /** The binds into every container, given where the guest mounts a share of each tag. */
    List<BindMount> mounts(UnaryOperator<String> sharedPath) {
        return placed.stream().map(m -> new BindMount(sharedPath.apply(m.tag()) + m.file(), m.guestPath(), m.readOnly()))
                .toList();
    }

    /**
     * The sandbox-wide storages, sent once in CreateSandbox as Kata's runtime sends its shared directory: the root
     * file system's share at {@code rootMountPoint}, every other at its own; each mount point ends in {@code /}.
     * Containers send none: their roots and binds are paths below these.
     */
    List<StorageMount> storages(UnaryOperator<String> sharedPath, String rootMountPoint) {
        List<StorageMount> out = new ArrayList<>();
        out.add(StorageMount.ninePee(all.get(0).tag(), rootMountPoint, true));
        for (GuestShare s : all.subList(1, all.size())) {
            out.add(StorageMount.ninePee(s.tag(), sharedPath.apply(s.tag()), s.readOnly()));
        }
        return out;
    }

    /**
     * Copies the files shared one by one into {@code dir}, which is then shared read-only: each copy is bound at its
     * guest path, and nothing else of the file's directory reaches the guest.
     */
    private Path copyFiles(List<SandboxSpec.Share> files, Path dir, String sandboxId) {
        try {
            Files.createDirectory(dir);
            int i = 0;
            for (SandboxSpec.Share s : files) {
                String name = i++ + "-" + s.hostPath().getFileName();
                Files.copy(s.hostPath(), dir.resolve(name));
                placed.add(new ShareMount(FILES_TAG, "/" + name, s.guestPath(), true));
            }
        } catch (IOException e) {
            throw new KataException(KataErrorReason.IO, "cannot copy the shared files into " + dir + ": " + e.getMessage(),
                    sandboxId, e);
        }
        return dir;
    }

    /**
     * Whether a share is writable and kept from the guest's modes, owners and file types: under 9p's mapped-xattr
     * model what the guest writes lands on the host as plain files of this user (0600, directories 0700), its set-uid
     * bits, device nodes, FIFOs and symbolic links recorded only in {@code user.virtfs.*} attributes, so nothing the
     * guest leaves in a share can be run set-uid, opened as a FIFO or followed out of it on the host. A file system
     * without user attributes cannot hold that; the share then keeps the guest's modes, said at WARN.
     */
    private static boolean writableSafely(SandboxSpec.Share s) {
        if (s.readOnly()) {
            return false;
        }
        if (dev.jkata.guestimage.host.UserXattrs.supported(s.hostPath())) {
            return true;
        }
        LOG.warn("The writable share {} is on a file system without user extended attributes: files the guest writes"
                + " there keep the modes it gives them (set-uid bits included); share a directory on ext4, xfs or btrfs"
                + " to have them recorded in attributes instead", s.hostPath());
        return false;
    }
}
