package dev.jkata.agent.container;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jkata.agent.errors.AgentException;
import dev.jkata.agent.oci.Json;
import dev.jkata.agent.storage.Mounter;
import dev.jkata.agent.storage.StorageManager;
import dev.jkata.agent.protocol.features.ScratchDisk;
import dev.jkata.agent.storage.StorageSpec;
import dev.jkata.agent.system.GuestOs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * The sandbox the guest is: its containers by id, the storages mounted for the sandbox itself, its host
 * name. CreateSandbox must come first (FAILED_PRECONDITION otherwise, as in Kata 1.x); DestroySandbox
 * removes every container, unmounts, syncs and leaves the guest ready to power off.
 *
 * <p>CreateContainer mounts the container's storages, then the root file system: the rootfs directory the
 * spec's {@code root.path} names (relative to {@code shared/containers/<cid>/}, or absolute) is the
 * read-only lower layer of an overlay whose upper and work directories live on a tmpfs of the container's
 * own; the overlay, at {@code <bundle>/rootfs}, is the container's root. The host's copy is never written.
 */
public final class GuestSandbox {
    private static final Logger LOG = Logger.getLogger(GuestSandbox.class.getName());
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,127}");

    /**
     * Tunables.
     *
     * @param outputBufferBytes what each process's stdout and stderr buffer hold at most
     * @param launchTimeout     how long crun may take to get a container or exec process going
     */
    public record Settings(int outputBufferBytes, Duration launchTimeout) {
        /** 1 MiB buffers, 60 s launches (the guest may be emulated). */
        public static Settings defaults() { return new Settings(1024 * 1024, Duration.ofSeconds(60)); }
    }

    /** What CreateContainer asks for, without protobuf. */
    public record ContainerRequest(String containerId, String execId, List<StorageSpec> storages, ObjectNode config) {
        public ContainerRequest {
            Objects.requireNonNull(containerId, "containerId");
            Objects.requireNonNull(execId, "execId");
            storages = List.copyOf(storages);
            Objects.requireNonNull(config, "config");
        }
    }

    private final ContainerLayout layout;
    private final ContainerRuntime runtime;
    private final Mounter mounter;
    private final StorageManager storages;
    private final GuestOs os;
    private final Settings settings;
    private final Map<String, GuestContainer> containers = new ConcurrentHashMap<>();
    private final Set<String> creating = ConcurrentHashMap.newKeySet();

    // guarded by this
    private boolean created;
    private String sandboxId = "";
    private List<StorageManager.Ref> sandboxStorages = List.of();

    public GuestSandbox(ContainerLayout layout, ContainerRuntime runtime, Mounter mounter, GuestOs os, Settings settings) {
        this.layout = layout;
        this.runtime = runtime;
        this.mounter = mounter;
        this.storages = new StorageManager(mounter);
        this.os = os;
        this.settings = settings;
    }

    public ContainerLayout layout() { return layout; }

    public StorageManager storages() { return storages; }

    public synchronized boolean isCreated() { return created; }

    public synchronized String sandboxId() { return sandboxId; }

    /** CreateSandbox: sets the host name, mounts the sandbox's storages. */
    public synchronized void create(String hostname, String id, List<StorageSpec> sandboxStorages) {
        if (created) {
            throw AgentException.exists("the sandbox " + sandboxId + " was already created");
        }
        if (!hostname.isEmpty()) {
            os.setHostname(hostname);
        }
        Cgroups.enableControllers(layout.cgroupRoot(), layout.containersCgroup());
        this.sandboxStorages = storages.acquireAll(sandboxStorages);
        this.sandboxId = id.isEmpty() ? hostname : id;
        this.created = true;
    }

    /** DestroySandbox: removes every container, releases the sandbox's storages, syncs. A no-op when not created. */
    public void destroy() {
        synchronized (this) {
            if (!created) {
                return;
            }
        }
        for (String id : List.copyOf(containers.keySet())) {
            try {
                removeContainer(id, Duration.ofSeconds(30));
            } catch (AgentException e) {
                if (e.reason() != AgentException.Reason.NOT_FOUND) {
                    throw e;
                }
            }
        }
        synchronized (this) {
            storages.releaseAll(sandboxStorages);
            sandboxStorages = List.of();
            created = false;
            sandboxId = "";
        }
        os.sync();
    }

    /** CreateContainer: mounts, writes the bundle, creates the init process (not running). */
    public GuestContainer createContainer(ContainerRequest req) {
        String cid = req.containerId();
        checkId(cid);
        String execId = req.execId().isEmpty() ? cid : req.execId();
        synchronized (this) {
            if (!created) {
                throw AgentException.precondition("the sandbox is not created: call CreateSandbox first");
            }
        }
        ObjectNode config = req.config();
        String rootPath = config.path("root").path("path").asText("");
        if (rootPath.isEmpty()) {
            throw AgentException.invalid("the spec of container " + cid + " has no root.path");
        }
        Rollback rollback = new Rollback();
        boolean terminal = config.path("process").path("terminal").asBoolean(false);
        GuestContainer container = new GuestContainer(cid, execId, terminal, layout, runtime, settings, rollback::run);
        synchronized (creating) {
            if (containers.containsKey(cid) || !creating.add(cid)) {
                throw AgentException.exists("container " + cid + " already exists");
            }
        }
        try {
            List<StorageManager.Ref> refs = storages.acquireAll(req.storages());
            rollback.add(() -> storages.releaseAll(refs));
            Path lower = resolveRoot(cid, rootPath);
            if (!Files.isDirectory(lower)) {
                throw AgentException.invalid("the rootfs of container " + cid + ", " + lower + ", is not a directory");
            }
            Path bundle = layout.bundle(cid);
            createDirectories(bundle);
            rollback.add(() -> deleteTree(bundle));
            mountRootfs(cid, lower, rollback);
            BundleConfig.apply(config, cid, layout.rootfs(cid), layout);
            Json.write(config, layout.config(cid));
            containers.put(cid, container);
            return container;
        } catch (IOException | RuntimeException e) {
            rollback.run();
            container.init().abort(128 + 9);
            if (e instanceof AgentException ae) {
                throw ae;
            }
            throw AgentException.internal("cannot create container " + cid + ": " + e.getMessage(), e);
        } finally {
            synchronized (creating) {
                creating.remove(cid);
            }
        }
    }

    /** The container {@code id}. */
    public GuestContainer container(String id) {
        GuestContainer c = containers.get(id);
        if (c == null) {
            throw AgentException.notFound("container " + id + " not found");
        }
        return c;
    }

    /** Containers now. */
    public List<GuestContainer> containers() { return new ArrayList<>(containers.values()); }

    /** RemoveContainer: kills its processes, waits at most {@code timeout} (zero: no limit), unmounts and deletes its files. */
    public void removeContainer(String id, Duration timeout) {
        GuestContainer c = container(id);
        c.destroy(timeout);
        containers.remove(id, c);
        Path cgroup = layout.cgroupDir(id);
        try {
            Files.deleteIfExists(cgroup);
        } catch (IOException e) {
            LOG.log(Level.FINE, "cgroup " + cgroup + " stays: " + e);
        }
    }

    /**
     * Stacks the container's writable overlay on {@code lower}: its upper and work directories on the sandbox's
     * {@link ScratchDisk} when one is mounted (deleted with the container), else on a tmpfs of its own.
     */
    private void mountRootfs(String cid, Path lower, Rollback rollback) {
        Path disk = Path.of(ScratchDisk.MOUNT_POINT);
        Path scratch;
        if (storages.references(disk) > 0) {
            scratch = disk.resolve(cid);
            deleteTree(scratch); // a container of this id that a crash left behind
            createDirectories(scratch);
            rollback.add(() -> discardLater(disk, scratch));
        } else {
            scratch = layout.scratch(cid);
            createDirectories(scratch);
            mounter.mount("tmpfs", scratch, "tmpfs", List.of("mode=0755"));
            rollback.add(() -> unmountQuietly(scratch));
        }
        Path upper = scratch.resolve("upper");
        Path work = scratch.resolve("work");
        createDirectories(upper);
        createDirectories(work);
        Path rootfs = layout.rootfs(cid);
        createDirectories(rootfs);
        mounter.mount("overlay", rootfs, "overlay",
                List.of("lowerdir=" + lower, "upperdir=" + upper, "workdir=" + work));
        rollback.add(() -> unmountQuietly(rootfs));
    }

    private Path resolveRoot(String cid, String rootPath) {
        Path p = rootPath.startsWith("/") ? Path.of(rootPath) : layout.sharedContainers().resolve(cid).resolve(rootPath);
        return p.normalize();
    }

    private void unmountQuietly(Path target) {
        try {
            mounter.unmount(target);
        } catch (AgentException e) {
            LOG.warning("cannot unmount " + target + ": " + e.getMessage());
        }
    }

    private static void checkId(String cid) {
        if (!ID.matcher(cid).matches() || cid.equals("shared")) {
            throw AgentException.invalid("container id '" + cid + "' is not valid: 1 to 128 of [A-Za-z0-9_.-], not starting with . _ or -");
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw AgentException.internal("cannot create " + dir + ": " + e, e);
        }
    }

    /**
     * Moves a removed container's layer out of the way at once and deletes it on a thread of its own: a build's tree
     * can take long to delete, and a removal (or the sandbox's end, which takes the whole disk) need not wait.
     */
    private static void discardLater(Path disk, Path layer) {
        Path trash = disk.resolve(".trash").resolve(layer.getFileName() + "-" + System.nanoTime());
        try {
            Files.createDirectories(trash.getParent());
            Files.move(layer, trash);
        } catch (IOException e) {
            LOG.fine("cannot move " + layer + " aside (" + e + "); deleting it in place");
            trash = layer;
        }
        Path doomed = trash;
        Thread t = new Thread(() -> deleteTree(doomed), "discard-" + layer.getFileName());
        t.setDaemon(true);
        t.start();
    }

    private static void deleteTree(Path root) {
        try {
            dev.jkata.agent.system.FileTree.delete(root);
        } catch (IOException e) {
            LOG.warning("cannot delete " + root + ": " + e);
        }
    }

    /** Undo steps, run in reverse order, once. */
    private static final class Rollback {
        private final List<Runnable> steps = new ArrayList<>();
        private boolean done;

        synchronized void add(Runnable step) { steps.add(step); }

        synchronized void run() {
            if (done) {
                return;
            }
            done = true;
            for (int i = steps.size() - 1; i >= 0; i--) {
                try {
                    steps.get(i).run();
                } catch (RuntimeException e) {
                    LOG.warning("teardown step failed: " + e.getMessage());
                }
            }
        }
    }
}
