package dev.jkata.image.layer;

import dev.jkata.image.ImageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies one uncompressed layer tar onto an image's root directory; apply an image's layers in order, lowest first.
 *
 * <p>Every layer is taken to be hostile. Entry names are normalised and may not climb above the root; links made by
 * this or earlier layers are followed only inside the root ({@link RootedPath}); hard links must name a regular file
 * inside the root; device nodes and FIFOs are skipped (the guest's {@code /dev} is its own devtmpfs). Whiteouts
 * ({@code .wh.name}) and opaque directories ({@code .wh..wh..opq}) remove what lower layers left and never what this
 * layer puts in place. Ownership and modes are applied by an {@link Ownership} strategy; directory metadata is applied
 * once the layer is done, deepest first; a hard link shares the metadata of the file it links to.
 *
 * <p>A failure leaves the root partly unpacked; discard it.
 */
public final class LayerUnpacker {
    /** The most entries one layer may have. */
    public static final long MAX_ENTRIES = 1_000_000;

    private static final Logger LOG = LoggerFactory.getLogger(LayerUnpacker.class);
    private static final String WHITEOUT_PREFIX = ".wh.";
    private static final String AUFS_META_PREFIX = ".wh..wh.";
    private static final String OPAQUE_MARKER = ".wh..wh..opq";
    private static final int DIRECTORY_MODE = 0755;
    private static final long MAX_ID = 0xFFFF_FFFEL;

    private final Path root;
    private final String image;
    private final String layer;
    private final Ownership ownership;
    private final LayerFootprint footprint;
    private final LayerFailures failures;
    private final Map<String, Attributes> directories = new HashMap<>();
    private final byte[] buffer = new byte[64 * 1024];
    /**
     * Parent names already resolved to real directories inside the root in this layer, so that a layer's many
     * files in one directory are not each resolved component by component. Forgotten whenever a directory or a
     * link is removed or a whiteout applied: only those change what a name resolves to.
     */
    private final Map<String, Path> verifiedParents = new java.util.HashMap<>();
    private long entries;
    private long bytesWritten;
    private long maxBytes = Long.MAX_VALUE;
    private long whiteouts;
    private long skipped;

    private record Attributes(long uid, long gid, int mode, FileTime modified, FileTime accessed) {}

    private LayerUnpacker(Path root, String image, String layer, Ownership ownership) {
        this.root = root;
        this.image = image;
        this.layer = layer;
        this.ownership = ownership;
        this.footprint = new LayerFootprint(root);
        this.failures = new LayerFailures(image, layer, root);
    }

    /**
     * Applies the layer read from {@code tar} (already decompressed, see {@link LayerCompression}) onto
     * {@code root}. The stream is read to the tar's end and not closed.
     *
     * @param image the image reference, for messages
     * @param layerDigest the layer's digest, for messages
     * @throws ImageException {@link ImageException.Kind#BAD_LAYER} if the layer is malformed, truncated, oversized
     *     or tries to leave the root; {@link ImageException.Kind#STORE_FAILED} if the host cannot be written (a full
     *     disk) or the layer cannot be read
     */
    public static LayerStats apply(Path root, InputStream tar, String image, String layerDigest, Ownership ownership) {
        return apply(root, tar, image, layerDigest, ownership, Long.MAX_VALUE);
    }

    /**
     * As above, writing at most {@code maxBytes} of file content (the image's remaining budget): a layer that holds more
     * (a ratio bomb, sparse entries whose holes read back as zeros) is refused with BAD_LAYER once past it.
     */
    public static LayerStats apply(Path root, InputStream tar, String image, String layerDigest, Ownership ownership,
                                   long maxBytes) {
        Objects.requireNonNull(tar, "tar");
        Objects.requireNonNull(ownership, "ownership");
        Path base = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        if (!Files.isDirectory(base)) {
            throw new ImageException(ImageException.Kind.STORE_FAILED, image, "cannot apply layer " + layerDigest
                    + ": " + base + " is not a directory; create the image's root before unpacking into it");
        }
        LayerUnpacker u = new LayerUnpacker(base, image, layerDigest, ownership);
        u.maxBytes = maxBytes;
        return u.run(tar);
    }

    /** Entries skipped that a user should hear of, by reason, in order; said once each when the layer is applied. */
    private final java.util.Map<String, java.util.List<String>> notUnpacked = new java.util.LinkedHashMap<>();

    private LayerStats run(InputStream tar) {
        BoundedTarInputStream in = new BoundedTarInputStream(tar);
        TarArchiveEntry entry;
        while ((entry = next(in)) != null) {
            failures.entering(entry.getName());
            if (++entries > MAX_ENTRIES) {
                throw failures.refusal("the layer has more than " + MAX_ENTRIES + " entries");
            }
            try {
                unpack(in, entry);
            } catch (LayerViolation e) {
                throw failures.refusal(e.getMessage());
            } catch (FileSystemLoopException e) {
                throw failures.tooManyLinks(e);
            } catch (IOException e) {
                throw failures.hostFailure(e);
            }
            failures.done();
        }
        finishDirectories();
        sayWhatWasSkipped();
        LayerStats stats = new LayerStats(entries, bytesWritten, whiteouts, skipped);
        LOG.debug("image {} layer {}: applied {}", image, layer, stats);
        return stats;
    }

    private TarArchiveEntry next(BoundedTarInputStream in) {
        try {
            return in.getNextEntry();
        } catch (IOException | RuntimeException e) {
            throw failures.readFailure(e);
        }
    }

    private void unpack(BoundedTarInputStream in, TarArchiveEntry entry) throws IOException, LayerViolation {
        String name = EntryNames.normalise(entry.getName(), "the entry name");
        String base = EntryNames.baseName(name);
        if (base.startsWith(WHITEOUT_PREFIX)) {
            whiteout(name, base);
        } else if (entry.isSymbolicLink()) {
            symlink(name, entry);
        } else if (entry.isLink()) {
            hardLink(name, entry);
        } else if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
            skip(true, entry.isFIFO() ? "FIFO" : "device node",
                    "device nodes and FIFOs are not unpacked, the guest's /dev is its own devtmpfs");
        } else if (entry.isDirectory()) {
            directory(name, entry);
        } else if (isRegular(entry)) {
            regularFile(in, name, entry);
        } else {
            skip(true, "entry of tar type " + EntryNames.quote(String.valueOf((char) entry.getLinkFlag())),
                    "the type is not one a layer uses");
        }
    }

    private static boolean isRegular(TarArchiveEntry entry) {
        byte flag = entry.getLinkFlag();
        return flag == TarConstants.LF_NORMAL || flag == TarConstants.LF_OLDNORM
                || flag == TarConstants.LF_CONTIG || entry.isSparse();
    }

    private void whiteout(String name, String base) throws IOException, LayerViolation {
        verifiedParents.clear();
        String parent = EntryNames.parentName(name);
        if (base.equals(OPAQUE_MARKER)) {
            Path dir = RootedPath.resolve(root, parent, true, ownership.linksAsFiles());
            BasicFileAttributes attributes = RootedPath.lstatOrNull(dir);
            if (attributes != null && attributes.isDirectory()) {
                footprint.clearLower(dir);
            }
            whiteouts++;
            return;
        }
        if (base.startsWith(AUFS_META_PREFIX)) {
            skip(false, "aufs metadata entry", "it is not part of the image's files");
            return;
        }
        String hidden = base.substring(WHITEOUT_PREFIX.length());
        if (hidden.isEmpty() || hidden.equals(".") || hidden.equals("..")) {
            throw new LayerViolation("it is a whiteout of '" + hidden + "', which names no file");
        }
        footprint.removeLower(RootedPath.resolve(root, parent.isEmpty() ? hidden : parent + "/" + hidden, false,
                ownership.linksAsFiles()));
        whiteouts++;
    }

    private void directory(String name, TarArchiveEntry entry) throws IOException, LayerViolation {
        Attributes attributes = attributesOf(entry);
        if (!name.isEmpty()) {
            Path path = place(name);
            BasicFileAttributes existing = RootedPath.lstatOrNull(path);
            if (existing == null || !existing.isDirectory()) {
                remove(path);
                Files.createDirectory(path);
            }
            footprint.add(path);
        }
        directories.put(name, attributes);
    }

    private void regularFile(BoundedTarInputStream in, String name, TarArchiveEntry entry)
            throws IOException, LayerViolation {
        Attributes attributes = attributesOf(entry);
        Path path = placeNonDirectory(name);
        try (OutputStream out = Files.newOutputStream(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            int n;
            while ((n = readContent(in)) != -1) {
                bytesWritten += n;
                if (bytesWritten > maxBytes) {
                    throw new LayerViolation("the image unpacks to more than " + (maxBytes >> 20) + " MiB of files ("
                            + ImageLimits.MAX_UNPACKED_PROPERTY + "); a layer that large is refused, not written");
                }
                out.write(buffer, 0, n);
            }
        }
        footprint.add(path);
        finish(path, Ownership.FileType.REGULAR, attributes);
    }

    private int readContent(BoundedTarInputStream in) {
        try {
            return in.read(buffer, 0, buffer.length);
        } catch (IOException | RuntimeException e) {
            throw failures.readFailure(e);
        }
    }

    private void symlink(String name, TarArchiveEntry entry) throws IOException, LayerViolation {
        String target = entry.getLinkName();
        if (target.isEmpty()) {
            throw new LayerViolation("it is a symbolic link with an empty target");
        }
        if (target.indexOf('\0') >= 0) {
            throw new LayerViolation("its link target contains a NUL byte");
        }
        if (target.getBytes(StandardCharsets.UTF_8).length > EntryNames.MAX_NAME_BYTES) {
            throw new LayerViolation("its link target is longer than " + EntryNames.MAX_NAME_BYTES + " bytes");
        }
        Attributes attributes = attributesOf(entry);
        Path path = placeNonDirectory(name);
        if (ownership.linksAsFiles()) {
            Files.write(path, target.getBytes(StandardCharsets.UTF_8), StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
        } else {
            Files.createSymbolicLink(path, path.getFileSystem().getPath(target));
        }
        footprint.add(path);
        finish(path, Ownership.FileType.SYMLINK, attributes);
    }

    private void hardLink(String name, TarArchiveEntry entry) throws IOException, LayerViolation {
        String targetName = EntryNames.normalise(entry.getLinkName(), "the hard link's target");
        Path source = RootedPath.resolve(root, targetName, false, ownership.linksAsFiles());
        BasicFileAttributes target = targetName.isEmpty() ? null : RootedPath.lstatOrNull(source);
        if (target == null || !target.isRegularFile()) {
            throw new LayerViolation("it is a hard link to " + EntryNames.quote(entry.getLinkName())
                    + ", which is not a regular file in the image");
        }
        if (name.isEmpty()) {
            throw new LayerViolation("it names the image's root but is not a directory");
        }
        Path path = place(name);
        if (path.equals(source)) {
            skip(false, "hard link", "it links to itself");
            return;
        }
        if (source.startsWith(path)) {
            throw new LayerViolation("it is a hard link into the directory it would replace");
        }
        remove(path);
        Files.createLink(path, source);
        footprint.add(path);
    }

    private void skip(boolean warn, String what, String why) {
        skipped++;
        LOG.debug("image {} layer {}: skipped {} {}: {}", image, layer, what, failures.currentQuoted(), why);
        if (warn) {
            // said once per layer and reason when the layer is applied: a stock image has a handful of device nodes
            notUnpacked.computeIfAbsent(why, k -> new java.util.ArrayList<>()).add(what + " " + failures.currentQuoted());
        }
    }

    /** One WARN per reason entries were skipped for, naming a few of them. */
    private void sayWhatWasSkipped() {
        notUnpacked.forEach((why, entries) -> LOG.warn("image {} layer {}: skipped {} entr{} ({}{}): {}", image, layer,
                entries.size(), entries.size() == 1 ? "y" : "ies", String.join(", ", entries.subList(0, Math.min(4,
                entries.size()))), entries.size() > 4 ? ", ..." : "", why));
    }

    /** The host path for a non-root entry, with its missing parents created. */
    private Path place(String name) throws IOException, LayerViolation {
        String parent = EntryNames.parentName(name);
        Path known = verifiedParents.get(parent);
        if (known != null) {
            return known.resolve(EntryNames.baseName(name));
        }
        Path path = RootedPath.resolve(root, name, false, ownership.linksAsFiles());
        if (path.equals(root)) {
            throw new LayerViolation("it resolves to the image's root itself");
        }
        makeParents(path.getParent());
        verifiedParents.put(parent, path.getParent());
        return path;
    }

    /** Removes what is at {@code path}; a directory or link going changes resolutions, so the cache goes too. */
    private void remove(Path path) throws IOException {
        BasicFileAttributes attributes = RootedPath.lstatOrNull(path);
        if (attributes == null) {
            return;
        }
        if (attributes.isDirectory() || attributes.isSymbolicLink() || ownership.linksAsFiles()) {
            verifiedParents.clear();
        }
        Trees.delete(path);
    }

    private Path placeNonDirectory(String name) throws IOException, LayerViolation {
        if (name.isEmpty()) {
            throw new LayerViolation("it names the image's root but is not a directory");
        }
        Path path = place(name);
        remove(path);
        return path;
    }

    private void makeParents(Path dir) throws IOException, LayerViolation {
        Path path = root;
        for (Path part : root.relativize(dir)) {
            if (part.toString().isEmpty()) {
                continue;
            }
            path = path.resolve(part);
            BasicFileAttributes attributes = RootedPath.lstatOrNull(path);
            if (attributes == null) {
                Files.createDirectory(path);
                StandardOwnership.setMode(path, DIRECTORY_MODE);
                footprint.add(path);
            } else if (!attributes.isDirectory()) {
                throw new LayerViolation("its parent " + EntryNames.quote(root.relativize(path).toString())
                        + " is not a directory");
            }
        }
    }

    private Attributes attributesOf(TarArchiveEntry entry) throws LayerViolation {
        long uid = entry.getLongUserId();
        long gid = entry.getLongGroupId();
        if (uid < 0 || uid > MAX_ID || gid < 0 || gid > MAX_ID) {
            throw new LayerViolation("its owner " + uid + ":" + gid + " is not a valid uid:gid");
        }
        FileTime modified = entry.getLastModifiedTime();
        FileTime accessed = entry.getLastAccessTime();
        return new Attributes(uid, gid, entry.getMode() & 07777, modified, accessed == null ? modified : accessed);
    }

    private void finish(Path path, Ownership.FileType type, Attributes attributes) throws IOException {
        ownership.apply(path, type, attributes.uid(), attributes.gid(), attributes.mode());
        if (attributes.modified() == null) {
            return;
        }
        try {
            Files.getFileAttributeView(path, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(attributes.modified(), attributes.accessed(), null);
        } catch (IOException e) {
            if (type != Ownership.FileType.SYMLINK) {
                throw e;
            }
            LOG.debug("image {} layer {}: cannot set the times of symbolic link {}: {}", image, layer,
                    failures.currentQuoted(), e.toString());
        }
    }

    /** Applies the layer's directory metadata, deepest first, to the directories still there. */
    private void finishDirectories() {
        List<Map.Entry<String, Attributes>> pending = new ArrayList<>(directories.entrySet());
        pending.sort(Comparator.comparingInt((Map.Entry<String, Attributes> e) -> depth(e.getKey())).reversed());
        for (Map.Entry<String, Attributes> dir : pending) {
            failures.entering(dir.getKey().isEmpty() ? "./" : dir.getKey() + "/");
            try {
                Path path = RootedPath.resolve(root, dir.getKey(), false, ownership.linksAsFiles());
                BasicFileAttributes attributes = RootedPath.lstatOrNull(path);
                if (attributes != null && attributes.isDirectory()) {
                    finish(path, Ownership.FileType.DIRECTORY, dir.getValue());
                }
            } catch (FileSystemLoopException e) {
                throw failures.tooManyLinks(e);
            } catch (IOException e) {
                throw failures.hostFailure(e);
            }
            failures.done();
        }
    }

    private static int depth(String name) {
        return name.isEmpty() ? 0 : name.split("/").length;
    }
}
