package dev.jkata.image.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jkata.image.ImageException;
import dev.jkata.image.ImageException.Kind;
import dev.jkata.image.manifest.Descriptor;
import dev.jkata.image.manifest.ManifestDocument;
import dev.jkata.image.registry.RegistryClient.FetchedManifest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.function.LongConsumer;

/**
 * An OCI image layout directory ({@code oci-layout}, {@code index.json}, {@code blobs/sha256/HEX}), as skopeo,
 * umoci, buildah and {@code docker save} (since Docker 25) write it. A tag names the index entry whose
 * {@code org.opencontainers.image.ref.name} annotation it is; with no tag, the layout must hold exactly one image.
 * Every blob is size- and digest-checked as it is copied: the layout is no more trusted than a registry.
 */
final class LayoutSource implements ImageSource {
    static final String REF_NAME = "org.opencontainers.image.ref.name";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The size of a blob named only by digest (a manifest asked for by digest): bounded by the read, not known. */
    private static final long UNKNOWN_SIZE = Long.MAX_VALUE;

    private final Path dir;
    private final String name;

    LayoutSource(Path dir, String name) {
        this.dir = dir;
        this.name = name;
    }

    @Override
    public String describe() {
        return name;
    }

    @Override
    public FetchedManifest manifest(String key, Instant deadline) {
        Descriptor d = key.startsWith("sha256:") ? new Descriptor("", key, UNKNOWN_SIZE) : byTag(key);
        byte[] bytes = read(d, ManifestDocument.MAX_BYTES);
        return new FetchedManifest(bytes, d.mediaType(), d.digest(), ManifestDocument.parse(bytes, d.mediaType(), name));
    }

    /** The top-level index entry for {@code tag} (empty: the only one). */
    private Descriptor byTag(String tag) {
        Path index = dir.resolve("index.json");
        if (!Files.isRegularFile(index, LinkOption.NOFOLLOW_LINKS)) {
            throw new ImageException(Kind.NOT_FOUND, name, "is not an OCI image layout: " + index + " is missing");
        }
        JsonNode root;
        try {
            if (Files.size(index) > ManifestDocument.MAX_BYTES) {
                throw new ImageException(Kind.BAD_LAYER, name, "its index.json is larger than " + ManifestDocument.MAX_BYTES + " bytes");
            }
            root = JSON.readTree(index.toFile());
        } catch (IOException e) {
            throw new ImageException(Kind.BAD_LAYER, name, "its index.json cannot be read: " + e.getMessage(), e);
        }
        List<JsonNode> entries = new ArrayList<>();
        root.path("manifests").forEach(entries::add);
        List<JsonNode> matching = tag.isEmpty() ? entries
                : entries.stream().filter(e -> tag.equals(e.path("annotations").path(REF_NAME).asText())).toList();
        if (matching.size() != 1) {
            List<String> tags = entries.stream().map(e -> e.path("annotations").path(REF_NAME).asText("<untagged>")).toList();
            throw new ImageException(Kind.NOT_FOUND, name, (matching.isEmpty() ? "has no image tagged '" + tag + "'"
                    : "holds " + matching.size() + " images; name one with :TAG") + " (it has " + tags + ")");
        }
        JsonNode e = matching.get(0);
        try {
            return new Descriptor(e.path("mediaType").asText(""), e.path("digest").asText(null), e.path("size").asLong(-1));
        } catch (IllegalArgumentException ex) {
            throw new ImageException(Kind.BAD_LAYER, name, "its index.json has a bad entry: " + ex.getMessage());
        }
    }

    @Override
    public byte[] smallBlob(Descriptor d, int maxBytes, Instant deadline) {
        return read(d, maxBytes);
    }

    private byte[] read(Descriptor d, int maxBytes) {
        Path p = blobPath(d);
        try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new ImageException(Kind.UNSUPPORTED, name, "its blob " + d.digest() + " is larger than " + maxBytes + " bytes");
            }
            String got = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
            if (!got.equals(d.digest()) || (d.size() != UNKNOWN_SIZE && bytes.length != d.size())) {
                throw mismatch(d, got, bytes.length);
            }
            return bytes;
        } catch (IOException e) {
            throw missing(d, e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void blob(Descriptor d, Path target, LongConsumer progress, Instant deadline) {
        Path p = blobPath(d);
        try (InputStream in = Files.newInputStream(p, LinkOption.NOFOLLOW_LINKS); OutputStream out = Files.newOutputStream(target)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                total += n;
                if (total > d.size()) {
                    throw mismatch(d, "(longer than its descriptor)", total);
                }
                md.update(buf, 0, n);
                out.write(buf, 0, n);
                progress.accept(total);
            }
            String got = "sha256:" + HexFormat.of().formatHex(md.digest());
            if (total != d.size() || !got.equals(d.digest())) {
                throw mismatch(d, got, total);
            }
        } catch (IOException e) {
            if (String.valueOf(e.getMessage()).contains("No space left")) {
                throw new ImageException(Kind.STORE_FAILED, name, "the disk holding " + target.getParent() + " is full", e);
            }
            throw missing(d, e);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private Path blobPath(Descriptor d) {
        return dir.resolve("blobs").resolve("sha256").resolve(d.hex());
    }

    private ImageException mismatch(Descriptor d, String got, long size) {
        return new ImageException(Kind.DIGEST_MISMATCH, name, "blob " + d.digest() + " in the layout has digest " + got
                + " (" + size + " bytes); the layout is corrupt; nothing was stored");
    }

    private ImageException missing(Descriptor d, IOException e) {
        return new ImageException(Kind.NOT_FOUND, name, "blob " + d.digest() + " cannot be read from the layout: "
                + e.getMessage(), e);
    }
}
