package dev.jkata.image.store;

import dev.jkata.image.config.ImageConfig;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * An image in the store, ready to run: its unpacked root file system (never written after it was made; each
 * sandbox stacks its own writable layer on it), its config, and what it was pulled as.
 *
 * @param references the references that name it ({@code registry/repo:tag}), possibly none after a pull by digest
 * @param manifestDigest the platform manifest's digest: the image's identity in the store
 * @param rootfs the unpacked root file system
 * @param config the image's config (env, entrypoint, command, user, ...)
 * @param layers the layer digests, bottom first
 * @param unpackedBytes the bytes of regular files in the root
 * @param lastUsed when a sandbox last started from it (or it was pulled)
 * @param mappedOwners whether owners, modes and links are recorded in extended attributes (unpacked without the
 *        right to chown; share it with 9p's mapped-xattr model) rather than being the files' own
 */
public record LocalImage(List<String> references, String manifestDigest, Path rootfs, ImageConfig config,
                         List<String> layers, long unpackedBytes, Instant lastUsed, boolean mappedOwners) {
    public LocalImage {
        references = List.copyOf(references);
        layers = List.copyOf(layers);
    }

    /** The first 12 hex digits of the manifest digest, as {@code kata image ls} shows it. */
    public String shortId() {
        return manifestDigest.substring("sha256:".length(), "sha256:".length() + 12);
    }
}
