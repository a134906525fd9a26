package dev.jkata.agent.storage;

import dev.jkata.agent.errors.AgentException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Mounts the host's storages, once per mount point: a second request for a mount point already mounted
 * takes a reference instead, and the last {@link #release} unmounts. Drivers:
 * <ul>
 *   <li>{@code 9p}: {@code mount -t 9p -o <options> <source> <mount_point>}; without options
 *       {@code trans=virtio,version=9p2000.L}.</li>
 *   <li>{@code ephemeral}: a tmpfs on the mount point.</li>
 *   <li>{@code local}: a directory created at the mount point, nothing mounted.</li>
 *   <li>{@code blk} (Kata's virtio-blk driver): {@code mount -t <fstype> -o <options> <source> <mount_point>}, the
 *       source a block device node ({@code /dev/vda}); its buffers are dropped first, so that a guest cloned from a
 *       template that read the device's first sectors at boot (the partition scan) sees this sandbox's disk.</li>
 *   <li>{@code overlayfs} (the driver later Kata agents name): {@code mount -t overlay -o <options> overlay
 *       <mount_point>}; the options must name a {@code lowerdir}, and the {@code upperdir} and {@code workdir} they
 *       name are created. Reporting it in GetGuestDetails also says that this agent stacks a writable overlay over
 *       every container's root by itself.</li>
 * </ul>
 * A mount point may end in {@code /} (Kata's runtime sends {@code /run/kata-containers/shared/containers/}); it is
 * the same mount point as without.
 */
public final class StorageManager {
    /** The drivers {@link #acquire} accepts, as GetGuestDetails reports them. */
    private static final List<String> DEFAULT_9P_OPTIONS = List.of("trans=virtio", "version=9p2000.L");
    public static final List<String> DRIVERS;

    /** How one driver mounts a storage on its (existing) mount point. */
    private interface Driver {
        void mount(StorageManager m, StorageSpec s, Path mountPoint);
    }

    private static final Map<String, Driver> REGISTRY = new java.util.LinkedHashMap<>();

    static {
        REGISTRY.put("9p", (m, s, mp) -> m.mounter.mount(s.source(), mp, s.fsType().isEmpty() ? "9p" : s.fsType(),
                s.options().isEmpty() ? DEFAULT_9P_OPTIONS : s.options()));
        REGISTRY.put("blk", StorageManager::mountBlock);
        REGISTRY.put("ephemeral", (m, s, mp) -> m.mounter.mount("tmpfs", mp, "tmpfs", s.options()));
        REGISTRY.put("local", (m, s, mp) -> { /* the directory is the storage */ });
        REGISTRY.put("overlayfs", StorageManager::mountOverlay);
        DRIVERS = List.copyOf(REGISTRY.keySet());
    }

    private static final Logger LOG = Logger.getLogger(StorageManager.class.getName());

    private final Mounter mounter;
    private final Map<Path, Entry> mounted = new HashMap<>();

    public StorageManager(Mounter mounter) {
        this.mounter = mounter;
    }

    /** One reference to a mounted storage; give it back with {@link #release}. */
    public record Ref(Path mountPoint) {}

    private static final class Entry {
        final StorageSpec spec;
        int refs;

        Entry(StorageSpec spec) {
            this.spec = spec;
        }
    }

    /** Mounts every storage (or takes a reference); on a failure releases what it took and throws. */
    public List<Ref> acquireAll(List<StorageSpec> storages) {
        List<Ref> refs = new ArrayList<>();
        try {
            for (StorageSpec s : storages) {
                refs.add(acquire(s));
            }
            return refs;
        } catch (RuntimeException e) {
            releaseAll(refs);
            throw e;
        }
    }

    /** Mounts {@code storage} at its mount point, or takes another reference when it is mounted already. */
    public synchronized Ref acquire(StorageSpec storage) {
        Path mountPoint = mountPoint(storage.mountPoint());
        Entry e = mounted.get(mountPoint);
        if (e != null) {
            if (!e.spec.source().equals(storage.source()) || !e.spec.driver().equals(storage.driver())) {
                throw AgentException.exists("mount point " + mountPoint + " already holds " + e.spec.driver() + " storage "
                        + e.spec.source() + ", not " + storage.driver() + " storage " + storage.source());
            }
            e.refs++;
            return new Ref(mountPoint);
        }
        mount(storage, mountPoint);
        e = new Entry(storage);
        e.refs = 1;
        mounted.put(mountPoint, e);
        return new Ref(mountPoint);
    }

    /** Gives back a reference; the last one unmounts. Failures are logged, not thrown: teardown goes on. */
    public synchronized void release(Ref ref) {
        Entry e = mounted.get(ref.mountPoint());
        if (e == null) {
            return;
        }
        if (--e.refs > 0) {
            return;
        }
        mounted.remove(ref.mountPoint());
        if (!e.spec.driver().equals("local")) {
            try {
                mounter.unmount(ref.mountPoint());
            } catch (AgentException ex) {
                LOG.log(Level.WARNING, "cannot unmount " + ref.mountPoint() + ": " + ex.getMessage());
            }
        }
    }

    /** Releases references in reverse order. */
    public void releaseAll(List<Ref> refs) {
        for (int i = refs.size() - 1; i >= 0; i--) {
            release(refs.get(i));
        }
    }

    /** Mount points mounted now. */
    public synchronized Set<Path> mountPoints() { return Set.copyOf(mounted.keySet()); }

    /** References held on {@code mountPoint}; 0 when it is not mounted. */
    public synchronized int references(Path mountPoint) {
        Entry e = mounted.get(mountPoint);
        return e == null ? 0 : e.refs;
    }

    private void mount(StorageSpec s, Path mountPoint) {
        Driver driver = REGISTRY.get(s.driver());
        if (driver == null) {
            throw AgentException.invalid("storage driver '" + s.driver() + "' is not supported; supported: " + DRIVERS);
        }
        createDirectories(mountPoint);
        driver.mount(this, s, mountPoint);
    }

    private void mountBlock(StorageSpec s, Path mountPoint) {
        String dev = s.source();
        if (!dev.startsWith("/dev/") || !Path.of(dev).normalize().toString().equals(dev) || dev.contains("..")) {
            throw AgentException.invalid("blk storage source must be a device node under /dev, was '" + dev + "'");
        }
        if (s.fsType().isEmpty()) {
            throw AgentException.invalid("blk storage " + dev + " needs a file system type (fstype)");
        }
        mounter.flushBuffers(Path.of(dev));
        try {
            mounter.mount(dev, mountPoint, s.fsType(), s.options());
        } catch (AgentException first) {
            // once more after dropping every clean cached page: a clone's kernel may hold pages of its template's disk
            // that the flush above left (seen once: EINVAL from a file system the host had just made)
            String said = mounter.kernelLog(dev);
            LOG.warning("mounting " + dev + " failed (" + first.getMessage() + "; the kernel said: " + said
                    + "); dropping the page cache and trying once more");
            mounter.dropCaches();
            mounter.flushBuffers(Path.of(dev));
            try {
                mounter.mount(dev, mountPoint, s.fsType(), s.options());
            } catch (AgentException e) {
                throw AgentException.internal(e.getMessage() + "; the kernel said: " + mounter.kernelLog(dev), e);
            }
        }
    }

    private void mountOverlay(StorageSpec s, Path mountPoint) {
        if (s.options().stream().noneMatch(o -> o.startsWith("lowerdir="))) {
            throw AgentException.invalid("overlayfs storage at " + mountPoint + " needs a lowerdir= option; options were "
                    + s.options());
        }
        for (String o : s.options()) {
            if (o.startsWith("upperdir=") || o.startsWith("workdir=")) {
                createDirectories(mountPoint(o.substring(o.indexOf('=') + 1)));
            }
        }
        mounter.mount("overlay", mountPoint, "overlay", s.options());
    }

    private static Path mountPoint(String path) {
        if (path.isEmpty() || !path.startsWith("/")) {
            throw AgentException.invalid("storage mount point must be an absolute path, was '" + path + "'");
        }
        Path p = Path.of(path);
        if (!p.normalize().equals(p) || path.contains("/../") || path.endsWith("/..")) {
            throw AgentException.invalid("storage mount point must be a normalized path, was '" + path + "'");
        }
        return p;
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw AgentException.internal("cannot create mount point " + dir + ": " + e, e);
        }
    }
}
