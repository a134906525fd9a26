package dev.jkata.image.manifest;

import dev.jkata.image.ImageException;
import dev.jkata.image.config.ImageConfig;

/**
 * Jazzer target: the JSON a hostile registry sends for a manifest, an index and an image config. Each parse either
 * gives a value or fails with an {@link ImageException}; nothing else escapes, and an index never selects a
 * platform it does not list.
 */
public final class ImageJsonFuzz {
    private static final String[] TYPES = {null, MediaTypes.DOCKER_MANIFEST, MediaTypes.OCI_INDEX,
            "application/vnd.oci.image.manifest.v1+json", "text/plain"};

    private ImageJsonFuzz() {}

    public static void fuzzerTestOneInput(byte[] data) {
        if (data.length < 1) {
            return;
        }
        byte[] json = java.util.Arrays.copyOfRange(data, 1, data.length);
        try {
            ManifestDocument d = ManifestDocument.parse(json, TYPES[(data[0] & 0xff) % TYPES.length], "fuzz:1");
            if (d instanceof ManifestDocument.Index i) {
                try {
                    i.select(Platform.LINUX_AMD64, "fuzz:1");
                } catch (ImageException expected) {
                    // no linux/amd64 entry
                }
            }
        } catch (ImageException expected) {
            // refused, typed
        }
        try {
            ImageConfig.parse(json, "fuzz:1");
        } catch (ImageException expected) {
            // refused, typed
        }
    }
}
