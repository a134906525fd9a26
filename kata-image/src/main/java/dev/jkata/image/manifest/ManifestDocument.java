package dev.jkata.image.manifest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jkata.image.ImageException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A parsed manifest: an {@link Index} of per-platform manifests or one image {@link Image}. Only what a pull needs is
 * read; anything malformed is an {@link ImageException} naming the image.
 */
public sealed interface ManifestDocument {
    /** The largest manifest accepted; real ones are a few KiB. */
    int MAX_BYTES = 4 << 20;

    /** A multi-platform index (OCI image index or Docker manifest list). */
    record Index(List<Entry> manifests) implements ManifestDocument {
        public Index {
            manifests = List.copyOf(manifests);
        }

        /** The entry for {@code platform}, or an UNSUPPORTED error listing what the index has. */
        public Descriptor select(Platform platform, String image) {
            for (Entry e : manifests) {
                if (e.platform().matches(platform)) {
                    return e.descriptor();
                }
            }
            List<String> have = manifests.stream().map(e -> e.platform().toString()).toList();
            throw new ImageException(ImageException.Kind.UNSUPPORTED, image, "has no " + platform
                    + " manifest (it has " + have + "); sandboxes run " + platform + " images only");
        }
    }

    /** One index entry. */
    record Entry(Descriptor descriptor, Platform platform) {}

    /** An image manifest: its config and its layers, bottom first. */
    record Image(Descriptor config, List<Descriptor> layers) implements ManifestDocument {
        public Image {
            layers = List.copyOf(layers);
        }

        /** The bytes the config and the layers take, compressed. */
        public long contentSize() {
            return config.size() + layers.stream().mapToLong(Descriptor::size).sum();
        }
    }

    /**
     * Parses {@code bytes}, served with {@code contentType} (the document's own {@code mediaType} field wins when
     * the header is missing or generic).
     */
    static ManifestDocument parse(byte[] bytes, String contentType, String image) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(bytes);
        } catch (IOException e) {
            throw bad(image, "is not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")");
        }
        if (root == null || !root.isObject()) {
            throw bad(image, "is not a JSON object");
        }
        String type = root.path("mediaType").asText("");
        if (type.isEmpty()) {
            type = contentType == null ? "" : contentType.split(";")[0].trim();
        }
        if (type.isEmpty() || type.equals("application/json")) {
            type = root.has("manifests") ? MediaTypes.OCI_INDEX : root.has("layers") ? MediaTypes.OCI_MANIFEST : type;
        }
        if (MediaTypes.isSchema1(type) || root.path("schemaVersion").asInt() == 1) {
            throw new ImageException(ImageException.Kind.UNSUPPORTED, image, "has a Docker schema 1 manifest, which is"
                    + " deprecated and unsupported; push the image again with a current Docker, podman or skopeo");
        }
        if (MediaTypes.isIndex(type)) {
            List<Entry> entries = new ArrayList<>();
            for (JsonNode m : array(root, "manifests", image)) {
                JsonNode p = m.path("platform");
                entries.add(new Entry(descriptor(m, image), new Platform(p.path("os").asText(""),
                        p.path("architecture").asText(""), p.path("variant").asText(""))));
            }
            return new Index(entries);
        }
        if (MediaTypes.isManifest(type)) {
            List<Descriptor> layers = new ArrayList<>();
            for (JsonNode l : array(root, "layers", image)) {
                if (layers.size() == dev.jkata.image.layer.ImageLimits.MAX_LAYERS) {
                    throw new ImageException(ImageException.Kind.UNSUPPORTED, image, "has more than "
                            + dev.jkata.image.layer.ImageLimits.MAX_LAYERS + " layers; squash the image (docker build"
                            + " --squash, or fewer RUN steps)");
                }
                layers.add(descriptor(l, image));
            }
            return new Image(descriptor(root.path("config"), image), layers);
        }
        throw new ImageException(ImageException.Kind.UNSUPPORTED, image, "has a manifest of media type '" + type
                + "'; supported are " + MediaTypes.ACCEPTED);
    }

    private static Iterable<JsonNode> array(JsonNode root, String field, String image) {
        JsonNode a = root.path(field);
        if (!a.isArray()) {
            throw bad(image, "has no '" + field + "' array");
        }
        return a;
    }

    private static Descriptor descriptor(JsonNode n, String image) {
        try {
            return new Descriptor(n.path("mediaType").asText(""), n.path("digest").asText(null), n.path("size").asLong(-1));
        } catch (IllegalArgumentException e) {
            throw bad(image, "has a bad descriptor: " + e.getMessage());
        }
    }

    private static ImageException bad(String image, String why) {
        return new ImageException(ImageException.Kind.REGISTRY_FAILED, image, "the manifest " + why);
    }
}
