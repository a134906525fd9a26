package dev.jkata.image.layer;

import dev.jkata.image.ImageException;
import io.airlift.compress.zstd.ZstdInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.zip.GZIPInputStream;

/** How a layer's tar stream is compressed, from its media type or its first bytes, and how to undo it. */
public enum LayerCompression {
    NONE,
    GZIP,
    ZSTD;

    private static final int GZIP_BUFFER = 64 * 1024;

    private static final Map<String, LayerCompression> MEDIA_TYPES = Map.of(
            "application/vnd.oci.image.layer.v1.tar", NONE,
            "application/vnd.oci.image.layer.v1.tar+gzip", GZIP,
            "application/vnd.oci.image.layer.v1.tar+zstd", ZSTD,
            "application/vnd.oci.image.layer.nondistributable.v1.tar", NONE,
            "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip", GZIP,
            "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd", ZSTD,
            "application/vnd.docker.image.rootfs.diff.tar", NONE,
            "application/vnd.docker.image.rootfs.diff.tar.gzip", GZIP,
            "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip", GZIP);

    /**
     * The compression a layer media type announces.
     *
     * @throws ImageException {@link ImageException.Kind#UNSUPPORTED} for any other media type
     */
    public static LayerCompression ofMediaType(String mediaType) {
        LayerCompression compression = mediaType == null ? null : MEDIA_TYPES.get(mediaType);
        if (compression == null) {
            throw new ImageException(ImageException.Kind.UNSUPPORTED, null, "layer media type '" + mediaType
                    + "' is not supported; only OCI and Docker tar layers (plain, gzip or zstd) can be unpacked, so"
                    + " rebuild or convert the image with such layers");
        }
        return compression;
    }

    /**
     * The compression the first bytes of a layer blob show (gzip {@code 1f 8b}, zstd {@code 28 b5 2f fd}), for blobs
     * whose media type does not tell the truth; anything else is taken to be a plain tar.
     */
    public static LayerCompression sniff(byte[] firstBytes) {
        if (startsWith(firstBytes, 0x1f, 0x8b)) {
            return GZIP;
        }
        if (startsWith(firstBytes, 0x28, 0xb5, 0x2f, 0xfd)) {
            return ZSTD;
        }
        return NONE;
    }

    private static boolean startsWith(byte[] bytes, int... magic) {
        if (bytes == null || bytes.length < magic.length) {
            return false;
        }
        for (int i = 0; i < magic.length; i++) {
            if ((bytes[i] & 0xff) != magic[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * The uncompressed tar read from {@code compressed}; closing it closes {@code compressed}. Concatenated gzip
     * members and zstd frames are read as one stream. A zstd frame whose window is above 128 MiB is refused
     * ({@link ZstdFrameGuard}) with an {@link ImageException} of kind BAD_LAYER.
     *
     * @throws IOException if the gzip header cannot be read or is not gzip
     */
    public InputStream decompress(InputStream compressed) throws IOException {
        return switch (this) {
            case NONE -> compressed;
            case GZIP -> new GZIPInputStream(compressed, GZIP_BUFFER);
            case ZSTD -> new ZstdInputStream(new ZstdFrameGuard(compressed)); // windows bounded before the decoder sees them
        };
    }
}
