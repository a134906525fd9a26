package dev.jkata.image.store;

import dev.jkata.image.manifest.Descriptor;
import dev.jkata.image.registry.RegistryClient.FetchedManifest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.LongConsumer;

/** Where an image's manifests and blobs come from: a registry, or an OCI image layout on disk. */
interface ImageSource {
    /** What the source is, for messages: the reference or the layout's path. */
    String describe();

    /** The manifest or index named by {@code key} (a tag or a digest). */
    FetchedManifest manifest(String key, Instant deadline);

    /** A small blob (the config), digest-checked. */
    byte[] smallBlob(Descriptor d, int maxBytes, Instant deadline);

    /** Blob {@code d} streamed into {@code target}, digest-checked. */
    void blob(Descriptor d, Path target, LongConsumer progress, Instant deadline);
}
