package dev.jkata.image.store;

import dev.jkata.image.manifest.Descriptor;
import dev.jkata.image.reference.ImageReference;
import dev.jkata.image.registry.RegistryClient;
import dev.jkata.image.registry.RegistryClient.FetchedManifest;
import java.nio.file.Path;
import java.time.Instant;
import java.util.function.LongConsumer;

/** An image in a registry's repository. */
final class RegistrySource implements ImageSource {
    private final RegistryClient client;
    private final ImageReference ref;

    RegistrySource(RegistryClient client, ImageReference ref) {
        this.client = client;
        this.ref = ref;
    }

    @Override
    public String describe() {
        return ref.toString();
    }

    @Override
    public FetchedManifest manifest(String key, Instant deadline) {
        return client.manifest(ref, key, deadline);
    }

    @Override
    public byte[] smallBlob(Descriptor d, int maxBytes, Instant deadline) {
        return client.smallBlob(ref, d, maxBytes, deadline);
    }

    @Override
    public void blob(Descriptor d, Path target, LongConsumer progress, Instant deadline) {
        client.blob(ref, d, target, progress, deadline);
    }
}
