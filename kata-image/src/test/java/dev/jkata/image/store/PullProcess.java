package dev.jkata.image.store;

import dev.jkata.api.PullPolicy;
import dev.jkata.image.PullListener;
import dev.jkata.image.registry.CredentialSource;
import dev.jkata.image.registry.RegistryOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;

/** A second JVM for {@link CrossJvmPullTest}: pulls {@code args[1]} into the store {@code args[0]}, says whether it unpacked. */
public final class PullProcess {
    private PullProcess() {}

    public static void main(String[] args) {
        AtomicBoolean unpacked = new AtomicBoolean();
        ImageStore store = ImageStore.open(Path.of(args[0]), RegistryOptions.builder().credentials(CredentialSource.none()).build());
        LocalImage img = store.pull(args[1], PullPolicy.IF_MISSING, new PullListener() {
            @Override
            public void unpacking(String image, int layers) {
                unpacked.set(true);
            }
        }, Duration.ofSeconds(120));
        System.out.println((unpacked.get() ? "UNPACKED " : "FOUND ") + img.manifestDigest());
    }
}
