package dev.jkata.image.layer;

import dev.jkata.api.InvalidConfigurationException;

/**
 * How much one image may unpack to and how many layers it may have: what a hostile registry's tiny blobs (gzip or zstd
 * ratio bombs, sparse tar entries) could otherwise make the host write until the disk is full.
 */
public final class ImageLimits {
    /** The system property that sets the most bytes of files one image unpacks to, e.g. {@code 32g}; default 16 GiB. */
    public static final String MAX_UNPACKED_PROPERTY = "kata.image.maxUnpackedBytes";
    public static final long DEFAULT_MAX_UNPACKED = 16L << 30;
    /** The most layers an image may have (Docker's overlay driver stops at 125; real images have tens). */
    public static final int MAX_LAYERS = 128;

    private ImageLimits() {
    }

    /** The most bytes of files one image unpacks to, from {@value #MAX_UNPACKED_PROPERTY}. */
    public static long maxUnpackedBytes() {
        String v = System.getProperty(MAX_UNPACKED_PROPERTY);
        if (v == null || v.isBlank()) {
            return DEFAULT_MAX_UNPACKED;
        }
        try {
            return dev.jkata.api.MemorySize.parse(v.trim()).toBytes();
        } catch (RuntimeException e) {
            throw new InvalidConfigurationException(MAX_UNPACKED_PROPERTY, "must be a size such as 16g or 512m, not '" + v + "'");
        }
    }
}
