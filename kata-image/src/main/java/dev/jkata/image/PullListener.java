package dev.jkata.image;

/**
 * Hears a pull's progress: what it resolved to, each layer's bytes as they arrive, the unpacking. Called from the
 * pulling threads (several layers download at once), so implementations must be thread-safe and quick.
 */
public interface PullListener {
    /** The reference resolved to {@code manifestDigest}: {@code layers} layers, {@code bytes} to fetch in all. */
    default void resolved(String image, String manifestDigest, int layers, long bytes) {}

    /** {@code done} of {@code total} bytes of layer {@code digest} have arrived (it may already be stored: done == total). */
    default void layerProgress(String digest, long done, long total) {}

    /** Layer {@code digest} is in the store, verified. */
    default void layerDone(String digest, boolean wasCached) {}

    /** The layers are being applied onto a new root file system. */
    default void unpacking(String image, int layers) {}

    /** The image is ready to run. */
    default void done(String image, long unpackedBytes) {}

    static PullListener none() {
        return new PullListener() {};
    }
}
