package dev.jkata.image.layer;

/**
 * What applying one layer did.
 *
 * @param entries every tar entry read, whatever became of it
 * @param bytesWritten the bytes of regular-file content written
 * @param whiteouts the whiteout and opaque-directory markers applied
 * @param skipped the entries deliberately not applied (device nodes, FIFOs, aufs metadata, unknown types)
 */
public record LayerStats(long entries, long bytesWritten, long whiteouts, long skipped) {
    /** No layer applied yet. */
    public static final LayerStats NONE = new LayerStats(0, 0, 0, 0);

    /** The totals of this and {@code other}, for summing over an image's layers. */
    public LayerStats plus(LayerStats other) {
        return new LayerStats(entries + other.entries, bytesWritten + other.bytesWritten,
                whiteouts + other.whiteouts, skipped + other.skipped);
    }
}
