package dev.jkata.image.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jkata.image.ImageException;
import dev.jkata.image.ImageException.Kind;
import dev.jkata.image.manifest.MediaTypes;
import dev.jkata.image.reference.ImageReference;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * An image archive — an OCI layout in a tar ({@code oci-archive:}), or {@code docker save}'s format
 * ({@code docker-archive:}: manifest.json, a config and layer tars) — unpacked into scratch space as an OCI layout,
 * so that {@link LayoutSource} reads it like any other. Only regular files and directories are taken out of the
 * archive, with names that stay inside the scratch directory; a {@code docker save} archive's links between
 * identical layers are followed inside it.
 */
final class ArchiveSource {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_MANIFEST = 4 << 20;

    private ArchiveSource() {}

    /** Unpacks {@code archive} into {@code into} (empty) and returns it as a layout named {@code name}. */
    static LayoutSource open(Path archive, Path into, String name, String tag) {
        try {
            extract(archive, into, name);
            if (Files.isRegularFile(into.resolve("index.json"), LinkOption.NOFOLLOW_LINKS)) {
                return new LayoutSource(into, name);
            }
            if (Files.isRegularFile(into.resolve("manifest.json"), LinkOption.NOFOLLOW_LINKS)) {
                dockerToLayout(into, name, tag);
                return new LayoutSource(into, name);
            }
            throw new ImageException(Kind.UNSUPPORTED, name, "is neither an OCI archive (index.json) nor a docker save"
                    + " archive (manifest.json)");
        } catch (IOException e) {
            throw new ImageException(Kind.STORE_FAILED, name, "cannot unpack the archive " + archive + ": " + e.getMessage(), e);
        }
    }

    private static void extract(Path archive, Path into, String name) throws IOException {
        if (!Files.isRegularFile(archive)) {
            throw new ImageException(Kind.NOT_FOUND, name, archive + " is not a file");
        }
        Path base = into.toAbsolutePath().normalize();
        List<String[]> links = new ArrayList<>();
        try (InputStream raw = new BufferedInputStream(Files.newInputStream(archive), 1 << 16)) {
            raw.mark(2);
            boolean gz = raw.read() == 0x1f && raw.read() == 0x8b;
            raw.reset();
            try (TarArchiveInputStream tar = new TarArchiveInputStream(gz ? new GZIPInputStream(raw) : raw)) {
                TarArchiveEntry e;
                while ((e = tar.getNextEntry()) != null) {
                    Path target = base.resolve(e.getName()).normalize();
                    if (!target.startsWith(base) || e.getName().startsWith("/")) {
                        throw new ImageException(Kind.BAD_LAYER, name, "the archive's entry '" + e.getName()
                                + "' points outside it; the archive is malformed or hostile");
                    }
                    if (e.isDirectory()) {
                        Files.createDirectories(target);
                    } else if (e.isFile()) {
                        Files.createDirectories(target.getParent());
                        Files.copy(tar, target, StandardCopyOption.REPLACE_EXISTING);
                    } else if (e.isSymbolicLink() || e.isLink()) {
                        links.add(new String[] {e.getName(), e.getLinkName(), e.isLink() ? "hard" : "sym"});
                    }
                }
            }
        }
        for (String[] l : links) {
            Path link = base.resolve(l[0]).normalize();
            Path source = (l[2].equals("hard") ? base.resolve(l[1]) : link.getParent().resolve(l[1])).normalize();
            if (!source.startsWith(base) || !link.startsWith(base) || !Files.isRegularFile(source, LinkOption.NOFOLLOW_LINKS)) {
                throw new ImageException(Kind.BAD_LAYER, name, "the archive's link '" + l[0] + "' -> '" + l[1]
                        + "' does not name a file inside it");
            }
            Files.createDirectories(link.getParent());
            Files.copy(source, link, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /** Rewrites a docker save tree as an OCI layout: blobs by digest, a Docker schema 2 manifest, index.json. */
    private static void dockerToLayout(Path dir, String name, String tag) throws IOException {
        if (Files.size(dir.resolve("manifest.json")) > MAX_MANIFEST) {
            throw new ImageException(Kind.BAD_LAYER, name, "its manifest.json is too large");
        }
        JsonNode entries = JSON.readTree(dir.resolve("manifest.json").toFile());
        List<JsonNode> all = new ArrayList<>();
        entries.forEach(all::add);
        List<JsonNode> matching = tag.isEmpty() ? all
                : all.stream().filter(e -> tagsOf(e).stream().anyMatch(t -> sameTag(t, tag))).toList();
        if (matching.size() != 1) {
            throw new ImageException(Kind.NOT_FOUND, name, (matching.isEmpty() ? "has no image tagged '" + tag + "'"
                    : "holds " + matching.size() + " images; name one with :REPO:TAG") + " (it has "
                    + all.stream().map(ArchiveSource::tagsOf).toList() + ")");
        }
        JsonNode m = matching.get(0);
        Files.createDirectories(dir.resolve("blobs/sha256"));
        ObjectNode manifest = JSON.createObjectNode();
        manifest.put("schemaVersion", 2);
        manifest.put("mediaType", MediaTypes.DOCKER_MANIFEST);
        manifest.set("config", moveBlob(dir, m.path("Config").asText(""), MediaTypes.DOCKER_CONFIG, name));
        ArrayNode layers = manifest.putArray("layers");
        for (JsonNode l : m.path("Layers")) {
            layers.add(moveBlob(dir, l.asText(""), null, name));
        }
        byte[] bytes = JSON.writeValueAsBytes(manifest);
        String hex = sha256(bytes);
        Files.write(dir.resolve("blobs/sha256").resolve(hex), bytes);
        ObjectNode index = JSON.createObjectNode();
        index.put("schemaVersion", 2);
        ObjectNode d = index.putArray("manifests").addObject();
        d.put("mediaType", MediaTypes.DOCKER_MANIFEST);
        d.put("digest", "sha256:" + hex);
        d.put("size", bytes.length);
        d.putObject("annotations").put(LayoutSource.REF_NAME, tag);
        Files.write(dir.resolve("index.json"), JSON.writeValueAsBytes(index));
    }

    /** {@code team/app:1} matches {@code docker.io/team/app:1}; a bare {@code 1} matches any repository's tag 1. */
    private static boolean sameTag(String inArchive, String asked) {
        if (inArchive.equals(asked) || (!asked.contains(":") && inArchive.endsWith(":" + asked))) {
            return true;
        }
        try {
            return ImageReference.parse(inArchive).toString().equals(ImageReference.parse(asked).toString());
        } catch (ImageException e) {
            return false;
        }
    }

    private static List<String> tagsOf(JsonNode entry) {
        List<String> tags = new ArrayList<>();
        entry.path("RepoTags").forEach(t -> tags.add(t.asText()));
        return tags;
    }

    /** Moves one file of the docker save tree to blobs/sha256/HEX; its descriptor. */
    private static ObjectNode moveBlob(Path dir, String rel, String mediaType, String name) throws IOException {
        Path base = dir.toAbsolutePath().normalize();
        Path file = base.resolve(rel).normalize();
        if (rel.isEmpty() || !file.startsWith(base) || !Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
            throw new ImageException(Kind.BAD_LAYER, name, "its manifest.json names '" + rel + "', which is not a file in the archive");
        }
        String hex;
        boolean gzip;
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 16];
            int n = in.read(buf);
            gzip = n >= 2 && (buf[0] & 0xff) == 0x1f && (buf[1] & 0xff) == 0x8b;
            while (n > 0) {
                md.update(buf, 0, n);
                n = in.read(buf);
            }
            hex = HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        long size = Files.size(file);
        Path target = base.resolve("blobs/sha256").resolve(hex);
        if (!file.equals(target)) {
            Files.move(file, target, StandardCopyOption.REPLACE_EXISTING);
        }
        ObjectNode d = JSON.createObjectNode();
        d.put("mediaType", mediaType != null ? mediaType : gzip ? "application/vnd.docker.image.rootfs.diff.tar.gzip"
                : "application/vnd.oci.image.layer.v1.tar");
        d.put("digest", "sha256:" + hex);
        d.put("size", size);
        return d;
    }

    private static String sha256(byte[] bytes) {
        return ImageStore.sha256(bytes);
    }
}
