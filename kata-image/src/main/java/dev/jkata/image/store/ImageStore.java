package dev.jkata.image.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jkata.api.PullPolicy;
import dev.jkata.image.ImageException;
import dev.jkata.image.ImageException.Kind;
import dev.jkata.image.PullListener;
import dev.jkata.image.config.ImageConfig;
import dev.jkata.image.layer.LayerCompression;
import dev.jkata.image.layer.LayerStats;
import dev.jkata.image.layer.LayerUnpacker;
import dev.jkata.image.layer.Ownership;
import dev.jkata.image.layer.Trees;
import dev.jkata.image.manifest.Descriptor;
import dev.jkata.image.manifest.ManifestDocument;
import dev.jkata.image.manifest.Platform;
import dev.jkata.image.reference.ImageReference;
import dev.jkata.image.registry.RegistryClient;
import dev.jkata.image.registry.RegistryClient.FetchedManifest;
import dev.jkata.image.registry.RegistryOptions;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The container image store: verified blobs by digest, one unpacked root per image (by platform manifest digest),
 * and the references that name them. Pulls are safe across threads and JVMs: an image is built under a lock on
 * its digest, so two JVMs starting the same new image pull it once; a pull that fails leaves nothing behind
 * (its partial downloads and half-made root are removed, and what a dead pull left is swept by the next).
 * Sandboxes hold a {@linkplain #use shared lease} on their image, so {@code rm} and {@code prune} never take a
 * root from under a running guest.
 *
 * <pre>
 * DIR/blobs/sha256/HEX          verified manifests, configs and layers
 * DIR/images/HEX/rootfs/        an unpacked root; image.json says what it is; last-used is touched per start
 * DIR/refs/HASH.json            a reference and the manifest digest it resolved to
 * DIR/locks/, DIR/tmp/          locks; scratch space of pulls in progress
 * </pre>
 */
public final class ImageStore {
    private static final Logger LOG = LoggerFactory.getLogger(ImageStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration REMOVE_LOCK_TIMEOUT = Duration.ofSeconds(5);

    private final Path dir;
    private final RegistryOptions options;
    private final Ownership ownership;
    private volatile RegistryClient client;

    private ImageStore(Path dir, RegistryOptions options, Ownership ownership) {
        this.dir = dir;
        this.options = options;
        this.ownership = ownership;
    }

    /**
     * Opens (creating, mode 0700) the store at {@code dir} and sweeps what dead pulls left in its scratch space.
     * Images are unpacked with real owners as root, else with owners in extended attributes
     * ({@link Ownership#MAPPED_XATTR}), which the guest sees through 9p's mapped-xattr model.
     */
    public static ImageStore open(Path dir, RegistryOptions options) {
        Ownership own = Ownership.forThisProcess();
        return open(dir, options, own == Ownership.NATIVE ? own : Ownership.MAPPED_XATTR);
    }

    /** As {@link #open(Path, RegistryOptions)}, unpacking new images with {@code ownership}. */
    public static ImageStore open(Path dir, RegistryOptions options, Ownership ownership) {
        ImageStore s = new ImageStore(dir.toAbsolutePath(), options, ownership);
        try {
            for (String sub : List.of("blobs/sha256", "images", "refs", "locks", "tmp")) {
                Files.createDirectories(s.dir.resolve(sub));
            }
            Files.setPosixFilePermissions(s.dir, PosixFilePermissions.fromString("rwx------"));
        } catch (IOException e) {
            throw new ImageException(Kind.STORE_FAILED, null, "cannot create the image store " + dir + ": " + e.getMessage(), e);
        }
        s.sweepScratch();
        return s;
    }

    public Path directory() {
        return dir;
    }

    // ---- pull ----

    /**
     * The image {@code reference} names, pulled if {@code policy} says so.
     *
     * @param timeout the deadline of the whole pull (manifests, layers, unpacking)
     * @throws ImageException naming the image: bad reference, not found, unauthorized, registry failure, digest
     *         mismatch, unsupported manifest, a bad or escaping layer, a full disk, or NOT_PULLED under {@link PullPolicy#NEVER}
     */
    public LocalImage pull(String reference, PullPolicy policy, PullListener listener, Duration timeout) {
        return pull(reference, policy, listener, timeout, Optional.empty());
    }

    /**
     * As {@link #pull(String, PullPolicy, PullListener, Duration)}, reaching the registry with {@code access} instead of
     * the store's own options when given (one caller's logins and CAs; a client of its own for this pull).
     */
    public LocalImage pull(String reference, PullPolicy policy, PullListener listener, Duration timeout,
                           Optional<RegistryOptions> access) {
        Optional<LocalReference> onDisk = LocalReference.parse(reference);
        if (onDisk.isPresent()) {
            return pullLocal(onDisk.get(), policy, listener, Instant.now().plus(timeout));
        }
        ImageReference ref = ImageReference.parse(reference);
        if (policy != PullPolicy.ALWAYS) {
            Optional<LocalImage> local = find(ref);
            if (local.isPresent()) {
                return local.get();
            }
            if (policy == PullPolicy.NEVER) {
                throw new ImageException(Kind.NOT_PULLED, ref.toString(), "is not in the image store " + dir + " and the"
                        + " pull policy is NEVER; pull it first (kata image pull " + reference + ") or allow pulling");
            }
        }
        Instant deadline = Instant.now().plus(timeout);
        RegistryClient c = access.map(RegistryClient::new).orElseGet(this::client);
        return install(new RegistrySource(c, ref), ref.manifestKey(), List.of(ref.toString()), listener, deadline);
    }

    /** An image from a layout or an archive on disk; NEVER still means: only if it is in the store. */
    private LocalImage pullLocal(LocalReference ref, PullPolicy policy, PullListener listener, Instant deadline) {
        if (policy != PullPolicy.ALWAYS) {
            Optional<LocalImage> stored = readRef(ref.name()).flatMap(d -> readImage(hex(d)));
            if (stored.isPresent()) {
                return stored.get();
            }
            if (policy == PullPolicy.NEVER) {
                throw new ImageException(Kind.NOT_PULLED, ref.name(), "is not in the image store and the pull policy is NEVER");
            }
        }
        if (ref.kind() == LocalReference.Kind.LAYOUT) {
            return install(new LayoutSource(ref.path(), ref.name()), ref.tag(), List.of(ref.name()), listener, deadline);
        }
        Path scratch = dir.resolve("tmp").resolve(UUID.randomUUID().toString());
        try (StoreLock lock = StoreLock.exclusive(Path.of(scratch + ".lock"), Duration.ofSeconds(1))) {
            Files.createDirectories(scratch);
            LayoutSource layout = ArchiveSource.open(ref.path(), scratch, ref.name(), ref.tag());
            return install(layout, ref.tag(),
                    List.of(ref.name()), listener, deadline);
        } catch (IOException e) {
            throw storeFailure(ref.name(), e);
        } finally {
            try {
                deleteTree(scratch);
                Files.deleteIfExists(Path.of(scratch + ".lock"));
            } catch (IOException e) {
                LOG.warn("Cannot remove {}: {}", scratch, e.getMessage());
            }
        }
    }

    private RegistryClient client() {
        RegistryClient c = client;
        if (c == null) {
            synchronized (this) {
                if (client == null) {
                    client = new RegistryClient(options);
                }
                c = client;
            }
        }
        return c;
    }

    /** Resolves {@code key} in {@code source} to a platform manifest, fetches what is missing, unpacks it once. */
    LocalImage install(ImageSource source, String key, List<String> names, PullListener listener, Instant deadline) {
        String image = source.describe();
        FetchedManifest m = source.manifest(key, deadline);
        if (m.document() instanceof ManifestDocument.Index index) {
            Descriptor chosen = index.select(Platform.LINUX_AMD64, image);
            m = source.manifest(chosen.digest(), deadline);
            if (m.document() instanceof ManifestDocument.Index) {
                throw new ImageException(Kind.UNSUPPORTED, image, "its index points at another index; nested indexes are not supported");
            }
        }
        ManifestDocument.Image manifest = (ManifestDocument.Image) m.document();
        String mhex = hex(m.digest());
        listener.resolved(image, m.digest(), manifest.layers().size(), manifest.contentSize());
        Path lockFile = dir.resolve("locks").resolve(mhex + ".lock");
        try {
            if (readImage(mhex).isEmpty()) {
                // built once: a second puller (thread or JVM) waits here, then finds it built
                try (StoreLock lock = StoreLock.exclusive(lockFile, Duration.between(Instant.now(), deadline).plusSeconds(1))) {
                    if (readImage(mhex).isEmpty()) {
                        build(source, m, manifest, listener, deadline);
                    }
                }
            }
            for (String n : names) {
                writeRef(n, m.digest());
            }
            touch(mhex);
            LocalImage done = readImage(mhex).orElseThrow(() -> new ImageException(Kind.STORE_FAILED, image,
                    "the image vanished from the store while it was being installed"));
            listener.done(image, done.unpackedBytes());
            return done;
        } catch (IOException e) {
            throw new ImageException(Kind.STORE_FAILED, image, e.getMessage(), e);
        }
    }

    private void build(ImageSource source, FetchedManifest m, ManifestDocument.Image manifest, PullListener listener,
                       Instant deadline) throws IOException {
        String image = source.describe();
        String mhex = hex(m.digest());
        List<Path> added = new ArrayList<>();
        Path scratch = dir.resolve("tmp").resolve(UUID.randomUUID().toString());
        StoreLock scratchLock = StoreLock.exclusive(Path.of(scratch + ".lock"), Duration.ofSeconds(1));
        boolean ok = false;
        try {
            Files.createDirectories(scratch);
            byte[] configBytes = source.smallBlob(manifest.config(), ImageConfig.MAX_BYTES, deadline);
            ImageConfig config = ImageConfig.parse(configBytes, image);
            if ((!config.os().isEmpty() && !config.os().equals("linux"))
                    || (!config.architecture().isEmpty() && !config.architecture().equals("amd64"))) {
                throw new ImageException(Kind.UNSUPPORTED, image, "is built for " + config.os() + "/" + config.architecture()
                        + "; sandboxes run linux/amd64 images only");
            }
            storeBytes(m.digest(), m.bytes(), added);
            storeBytes(manifest.config().digest(), configBytes, added);
            fetchLayers(source, manifest, listener, deadline, added);
            Path rootfs = scratch.resolve("rootfs");
            Files.createDirectory(rootfs);
            Files.setPosixFilePermissions(rootfs, PosixFilePermissions.fromString("rwxr-xr-x"));
            listener.unpacking(image, manifest.layers().size());
            long bytes = 0;
            long budget = dev.jkata.image.layer.ImageLimits.maxUnpackedBytes();
            for (Descriptor layer : manifest.layers()) {
                if (Instant.now().isAfter(deadline)) {
                    throw new ImageException(Kind.REGISTRY_FAILED, image, "the pull's deadline passed while unpacking; raise the pull timeout");
                }
                bytes += unpack(image, layer, rootfs, budget - bytes).bytesWritten();
            }
            ObjectNode meta = JSON.createObjectNode();
            meta.put("manifestDigest", m.digest());
            meta.put("configDigest", manifest.config().digest());
            meta.putArray("layers").addAll(manifest.layers().stream()
                    .map(l -> JSON.getNodeFactory().textNode(l.digest())).toList());
            meta.put("unpackedBytes", bytes);
            meta.put("source", image);
            meta.put("ownership", ownership.linksAsFiles() ? "mapped-xattr" : "native");
            Files.write(scratch.resolve("image.json"), JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(meta));
            Files.createFile(scratch.resolve("last-used"));
            Files.move(scratch, dir.resolve("images").resolve(mhex), StandardCopyOption.ATOMIC_MOVE);
            ok = true;
            LOG.info("Image {} ({}) unpacked: {} layers, {} MiB", image, m.digest(), manifest.layers().size(), bytes >> 20);
        } catch (IOException e) {
            throw storeFailure(image, e);
        } finally {
            if (!ok) {
                deleteTree(scratch);
                for (Path p : added) {
                    Files.deleteIfExists(p);
                }
            }
            scratchLock.close();
            Files.deleteIfExists(Path.of(scratch + ".lock"));
        }
    }

    private void fetchLayers(ImageSource source, ManifestDocument.Image manifest, PullListener listener, Instant deadline,
                             List<Path> added) throws IOException {
        ExecutorService pool = Executors.newFixedThreadPool(options.concurrentDownloads(), r -> {
            Thread t = new Thread(r, "jkata-pull");
            t.setDaemon(true);
            return t;
        });
        try {
            List<Future<Path>> jobs = new ArrayList<>();
            for (Descriptor layer : manifest.layers()) {
                jobs.add(pool.submit(() -> fetchLayer(source, layer, listener, deadline)));
            }
            RuntimeException failure = null;
            for (Future<Path> f : jobs) {
                try {
                    Path p = f.get();
                    if (p != null) {
                        synchronized (added) {
                            added.add(p);
                        }
                    }
                } catch (ExecutionException e) {
                    if (failure == null) {
                        failure = e.getCause() instanceof RuntimeException re ? re
                                : new ImageException(Kind.STORE_FAILED, source.describe(), String.valueOf(e.getCause()), e.getCause());
                        jobs.forEach(j -> j.cancel(true));
                    }
                } catch (java.util.concurrent.CancellationException e) {
                    // cancelled after the first failure
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    jobs.forEach(j -> j.cancel(true));
                    throw new ImageException(Kind.REGISTRY_FAILED, source.describe(), "interrupted while pulling");
                }
            }
            if (failure != null) {
                throw failure;
            }
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Fetches one layer into the blob store unless it is there; the path it added, or null. */
    private Path fetchLayer(ImageSource source, Descriptor layer, PullListener listener, Instant deadline) throws IOException {
        Path blob = blobPath(layer.digest());
        if (Files.isRegularFile(blob) && Files.size(blob) == layer.size()) {
            listener.layerProgress(layer.digest(), layer.size(), layer.size());
            listener.layerDone(layer.digest(), true);
            return null;
        }
        Path part = dir.resolve("tmp").resolve(layer.hex() + "." + UUID.randomUUID() + ".part");
        try {
            source.blob(layer, part, done -> listener.layerProgress(layer.digest(), done, layer.size()), deadline);
            try {
                Files.move(part, blob, StandardCopyOption.ATOMIC_MOVE);
            } catch (FileAlreadyExistsException e) {
                return null; // another pull stored the same verified bytes first
            }
            listener.layerDone(layer.digest(), false);
            return blob;
        } finally {
            Files.deleteIfExists(part);
        }
    }

    private LayerStats unpack(String image, Descriptor layer, Path rootfs, long maxBytes) throws IOException {
        Path blob = blobPath(layer.digest());
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(blob), 1 << 16)) {
            LayerCompression c = compressionOf(layer, blob);
            try (InputStream tar = c.decompress(raw)) {
                return LayerUnpacker.apply(rootfs, tar, image, layer.digest(), ownership, maxBytes);
            }
        }
    }

    private static LayerCompression compressionOf(Descriptor layer, Path blob) throws IOException {
        byte[] head = new byte[4];
        try (InputStream in = Files.newInputStream(blob)) {
            int n = in.readNBytes(head, 0, 4);
            if (n == 4) {
                LayerCompression sniffed = LayerCompression.sniff(head);
                if (sniffed != LayerCompression.NONE) {
                    return sniffed;
                }
            }
        }
        return LayerCompression.ofMediaType(layer.mediaType());
    }

    private void storeBytes(String digest, byte[] bytes, List<Path> added) throws IOException {
        Path target = blobPath(digest);
        if (Files.exists(target)) {
            return;
        }
        Path part = dir.resolve("tmp").resolve(hex(digest) + "." + UUID.randomUUID() + ".part");
        Files.write(part, bytes);
        try {
            Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
            added.add(target);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(part);
        }
    }

    // ---- lookup ----

    /** The image {@code reference} names, if the store holds it. */
    public Optional<LocalImage> find(String reference) {
        Optional<LocalReference> local = LocalReference.parse(reference);
        if (local.isPresent()) {
            return readRef(local.get().name()).flatMap(d -> readImage(hex(d)));
        }
        return find(ImageReference.parse(reference));
    }

    private Optional<LocalImage> find(ImageReference ref) {
        if (ref.digest().isPresent()) {
            Optional<LocalImage> byDigest = readImage(hex(ref.digest().get()));
            if (byDigest.isPresent()) {
                return byDigest;
            }
        }
        Optional<String> manifest = readRef(ref.toString());
        return manifest.flatMap(d -> readImage(hex(d)));
    }

    /** Every image in the store, most recently used first. */
    public List<LocalImage> list() {
        List<LocalImage> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve("images"))) {
            for (Path p : ds) {
                readImage(p.getFileName().toString()).ifPresent(out::add);
            }
        } catch (IOException e) {
            throw new ImageException(Kind.STORE_FAILED, null, "cannot list " + dir + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(LocalImage::lastUsed).reversed());
        return out;
    }

    private Optional<LocalImage> readImage(String mhex) {
        if (!mhex.matches("[0-9a-f]{64}")) {
            return Optional.empty();
        }
        Path d = dir.resolve("images").resolve(mhex);
        Path meta = d.resolve("image.json");
        if (!Files.isRegularFile(meta)) {
            return Optional.empty();
        }
        try {
            JsonNode n = JSON.readTree(meta.toFile());
            String configDigest = n.path("configDigest").asText();
            ImageConfig config = ImageConfig.parse(Files.readAllBytes(blobPath(configDigest)), n.path("source").asText());
            List<String> layers = new ArrayList<>();
            n.path("layers").forEach(l -> layers.add(l.asText()));
            String manifestDigest = n.path("manifestDigest").asText();
            Instant used = Files.getLastModifiedTime(d.resolve("last-used")).toInstant();
            return Optional.of(new LocalImage(referencesTo(manifestDigest), manifestDigest, d.resolve("rootfs"), config,
                    layers, n.path("unpackedBytes").asLong(), used, "mapped-xattr".equals(n.path("ownership").asText())));
        } catch (IOException | RuntimeException e) {
            LOG.warn("Ignoring a damaged image in the store ({}): {}; kata image rm or prune removes it", d, e.getMessage());
            return Optional.empty();
        }
    }

    private List<String> referencesTo(String manifestDigest) throws IOException {
        List<String> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve("refs"), "*.json")) {
            for (Path p : ds) {
                JsonNode n = JSON.readTree(p.toFile());
                if (manifestDigest.equals(n.path("manifestDigest").asText())) {
                    out.add(n.path("reference").asText());
                }
            }
        }
        out.sort(null);
        return out;
    }

    private Optional<String> readRef(String reference) {
        Path p = refPath(reference);
        try {
            return Files.isRegularFile(p) ? Optional.of(JSON.readTree(p.toFile()).path("manifestDigest").asText())
                    : Optional.empty();
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void writeRef(String reference, String manifestDigest) throws IOException {
        ObjectNode n = JSON.createObjectNode();
        n.put("reference", reference);
        n.put("manifestDigest", manifestDigest);
        Path target = refPath(reference);
        Path part = dir.resolve("tmp").resolve(target.getFileName() + "." + UUID.randomUUID() + ".part");
        Files.write(part, JSON.writeValueAsBytes(n));
        Files.move(part, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private Path refPath(String reference) {
        return dir.resolve("refs").resolve(sha256(reference.getBytes(StandardCharsets.UTF_8)) + ".json");
    }

    // ---- use, remove, prune ----

    /** A sandbox's hold on an image: while any lease is open, the image cannot be removed or pruned. */
    public interface Lease extends AutoCloseable {
        @Override
        void close();
    }

    public Lease use(LocalImage image) {
        String mhex = hex(image.manifestDigest());
        try {
            StoreLock lock = StoreLock.shared(dir.resolve("locks").resolve(mhex + ".lock"), Duration.ofMinutes(10));
            if (readImage(mhex).isEmpty()) {
                lock.close();
                throw new ImageException(Kind.NOT_FOUND, image.references().isEmpty() ? image.manifestDigest()
                        : image.references().get(0), "was removed from the store; pull it again");
            }
            touch(mhex);
            return lock::close;
        } catch (IOException e) {
            throw new ImageException(Kind.STORE_FAILED, image.manifestDigest(), e.getMessage(), e);
        }
    }

    /**
     * Removes a reference ({@code alpine:3.20}) or an image by digest or short id. The image itself goes when no
     * reference names it any more; its blobs go when no other image needs them.
     *
     * @return the images removed (empty when only a reference went)
     * @throws ImageException NOT_FOUND when nothing matches, IN_USE when a running sandbox uses the image
     */
    public List<LocalImage> remove(String referenceOrId) {
        Optional<LocalImage> target = byId(referenceOrId);
        boolean byRef = false;
        if (target.isEmpty()) {
            target = find(referenceOrId);
            byRef = true;
        }
        LocalImage img = target.orElseThrow(() -> new ImageException(Kind.NOT_FOUND, referenceOrId,
                "is not in the image store; kata image ls lists what is"));
        String mhex = hex(img.manifestDigest());
        try {
            // refused while a sandbox uses the image, before anything is touched
            StoreLock lock = StoreLock.tryExclusive(dir.resolve("locks").resolve(mhex + ".lock"));
            if (lock == null) {
                throw inUse(img);
            }
            try (lock) {
                if (byRef) {
                    Files.deleteIfExists(refPath(LocalReference.parse(referenceOrId).map(LocalReference::name)
                            .orElseGet(() -> ImageReference.parse(referenceOrId).toString())));
                    if (!referencesTo(img.manifestDigest()).isEmpty()) {
                        return List.of();
                    }
                }
                if (!deleteImage(img)) {
                    return List.of();
                }
            }
            collectBlobs();
            return List.of(img);
        } catch (IOException e) {
            throw new ImageException(Kind.STORE_FAILED, referenceOrId, e.getMessage(), e);
        }
    }

    private static ImageException inUse(LocalImage img) {
        return new ImageException(Kind.IN_USE, img.references().isEmpty() ? img.manifestDigest() : img.references().get(0),
                "is used by a running sandbox (or being pulled); close the sandbox, then remove it");
    }

    private Optional<LocalImage> byId(String id) {
        String h = id.startsWith("sha256:") ? id.substring(7) : id;
        if (!h.matches("[0-9a-f]{12,64}")) {
            return Optional.empty();
        }
        return list().stream().filter(i -> hex(i.manifestDigest()).startsWith(h)).findFirst();
    }

    /** Removes an image, its references and then unneeded blobs, unless a sandbox uses it. */
    private boolean removeImage(LocalImage img) throws IOException {
        StoreLock lock = StoreLock.tryExclusive(dir.resolve("locks").resolve(hex(img.manifestDigest()) + ".lock"));
        if (lock == null) {
            throw inUse(img);
        }
        try (lock) {
            if (!deleteImage(img)) {
                return false;
            }
        }
        collectBlobs();
        return true;
    }

    /** Deletes the image's directory (moved aside first, so it is never seen half-deleted) and its references; the caller holds its lock. */
    private boolean deleteImage(LocalImage img) throws IOException {
        String mhex = hex(img.manifestDigest());
        Path d = dir.resolve("images").resolve(mhex);
        Path grave = dir.resolve("tmp").resolve("rm-" + UUID.randomUUID());
        try {
            Files.move(d, grave, StandardCopyOption.ATOMIC_MOVE);
        } catch (NoSuchFileException e) {
            return false;
        }
        deleteTree(grave);
        for (String r : referencesTo(img.manifestDigest())) {
            Files.deleteIfExists(refPath(r));
        }
        return true;
    }

    /**
     * Removes images no sandbox has started from for {@code unusedFor}, then the least recently used until the
     * store's roots take at most {@code maxBytes}; images in use are kept.
     *
     * @return the images removed
     */
    public List<LocalImage> prune(Duration unusedFor, long maxBytes) {
        List<LocalImage> removed = new ArrayList<>();
        List<LocalImage> all = new ArrayList<>(list());
        long total = all.stream().mapToLong(LocalImage::unpackedBytes).sum();
        Instant cutoff = Instant.now().minus(unusedFor);
        for (int i = all.size() - 1; i >= 0; i--) {
            LocalImage img = all.get(i);
            if (img.lastUsed().isBefore(cutoff) || total > maxBytes) {
                try {
                    if (removeImage(img)) {
                        removed.add(img);
                        total -= img.unpackedBytes();
                    }
                } catch (ImageException e) {
                    LOG.debug("Keeping {}: {}", img.shortId(), e.getMessage());
                } catch (IOException e) {
                    throw new ImageException(Kind.STORE_FAILED, img.manifestDigest(), e.getMessage(), e);
                }
            }
        }
        return removed;
    }

    /** Deletes blobs no image's manifest, config or layers name. */
    private void collectBlobs() throws IOException {
        Set<String> live = new HashSet<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve("images"))) {
            for (Path p : ds) {
                Path meta = p.resolve("image.json");
                if (Files.isRegularFile(meta)) {
                    JsonNode n = JSON.readTree(meta.toFile());
                    live.add(hex(n.path("manifestDigest").asText()));
                    live.add(hex(n.path("configDigest").asText()));
                    n.path("layers").forEach(l -> live.add(hex(l.asText())));
                }
            }
        }
        // a pull in progress holds its image's lock and has not written image.json yet: leave young blobs alone
        Instant young = Instant.now().minus(Duration.ofHours(1));
        boolean pulling = hasScratch();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve("blobs/sha256"))) {
            for (Path b : ds) {
                if (!live.contains(b.getFileName().toString())
                        && !(pulling && Files.getLastModifiedTime(b).toInstant().isAfter(young))) {
                    Files.deleteIfExists(b);
                }
            }
        }
    }

    private boolean hasScratch() throws IOException {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir.resolve("tmp"), "*.lock")) {
            return ds.iterator().hasNext();
        }
    }

    /** Removes scratch directories and partial files whose pull has died (their lock is free). */
    private void sweepScratch() {
        Path tmp = dir.resolve("tmp");
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(tmp)) {
            for (Path p : ds) {
                String name = p.getFileName().toString();
                if (name.endsWith(".lock")) {
                    continue;
                }
                if (name.endsWith(".part")) {
                    if (Files.getLastModifiedTime(p).toInstant().isBefore(Instant.now().minus(Duration.ofHours(6)))) {
                        Files.deleteIfExists(p);
                    }
                    continue;
                }
                Path lockFile = tmp.resolve(name + ".lock");
                StoreLock lock = Files.exists(lockFile) ? StoreLock.tryExclusive(lockFile) : null;
                if (Files.exists(lockFile) && lock == null) {
                    continue; // a live pull's scratch
                }
                try {
                    deleteTree(p);
                    LOG.debug("Swept {} left by a pull that died", p);
                } finally {
                    if (lock != null) {
                        lock.close();
                        Files.deleteIfExists(lockFile);
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot sweep {}: {}", tmp, e.getMessage());
        }
    }

    // ---- helpers ----

    private void touch(String mhex) throws IOException {
        Path f = dir.resolve("images").resolve(mhex).resolve("last-used");
        if (Files.exists(f)) {
            Files.setLastModifiedTime(f, FileTime.from(Instant.now()));
        }
    }

    private Path blobPath(String digest) {
        return dir.resolve("blobs/sha256").resolve(hex(digest));
    }

    private static String hex(String digest) {
        if (!digest.matches("sha256:[0-9a-f]{64}")) {
            throw new IllegalArgumentException("not a sha256 digest: " + digest);
        }
        return digest.substring(7);
    }

    private ImageException storeFailure(String image, IOException e) {
        String m = String.valueOf(e.getMessage());
        String what = m.contains("No space left") ? "the disk holding the image store " + dir + " is full; free space,"
                + " prune images (kata image prune) or point the store elsewhere" : m;
        return new ImageException(Kind.STORE_FAILED, image, what, e);
    }

    /** Removes a tree without following links (an image's tree holds links a layer made). */
    static void deleteTree(Path root) throws IOException {
        Trees.delete(root);
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
