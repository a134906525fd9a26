package dev.jkata.core.containerimage;

import dev.jkata.api.ContainerImage;
import dev.jkata.api.PullPolicy;
import dev.jkata.guestimage.cache.CacheDirectory;
import dev.jkata.image.PullListener;
import dev.jkata.image.config.ImageConfig;
import dev.jkata.image.registry.DockerConfigCredentials;
import dev.jkata.image.registry.RegistryOptions;
import dev.jkata.image.store.ImageStore;
import dev.jkata.image.store.LocalImage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * The JVM's container image store and how it reaches registries, from system properties (or the environment):
 * {@code kata.image.store} (default {@code CACHE/container-images}; guest images are in {@code CACHE/images}),
 * {@code kata.image.insecure} (registries allowed over plain HTTP, comma-separated; loopback always is), {@code kata.image.ca} (PEM files of extra CAs),
 * {@code kata.image.pullTimeout} (ISO-8601 or seconds; default 10 minutes). Credentials are Docker's.
 */
public final class ContainerImages {
    private static final Duration DEFAULT_PULL_TIMEOUT = Duration.ofMinutes(10);
    private static volatile ImageStore store;

    private ContainerImages() {}

    /** The store, opened on first use (and again when {@code kata.image.store} names another directory). */
    public static ImageStore store() {
        Path dir = storeDirectory().toAbsolutePath();
        ImageStore s = store;
        if (s == null || !s.directory().equals(dir)) {
            synchronized (ContainerImages.class) {
                if (store == null || !store.directory().equals(dir)) {
                    store = ownership().map(o -> ImageStore.open(dir, options(), o)).orElseGet(() -> ImageStore.open(dir, options()));
                }
                s = store;
            }
        }
        return s;
    }

    /** {@code kata.image.ownership}: {@code native} (chown, needs root) or {@code mapped-xattr}; default by user. */
    static Optional<dev.jkata.image.layer.Ownership> ownership() {
        return setting("kata.image.ownership").map(v -> switch (v) {
            case "native" -> dev.jkata.image.layer.Ownership.NATIVE;
            case "mapped-xattr" -> dev.jkata.image.layer.Ownership.MAPPED_XATTR;
            default -> throw new dev.jkata.api.InvalidConfigurationException("kata.image.ownership",
                    "must be native or mapped-xattr, not '" + v + "'");
        });
    }

    public static Path storeDirectory() {
        return setting("kata.image.store").map(Path::of)
                .orElseGet(() -> CacheDirectory.defaultLocation().root().resolve("container-images"));
    }

    static RegistryOptions options() {
        RegistryOptions.Builder b = RegistryOptions.builder().credentials(DockerConfigCredentials.standard());
        RegistryOptions.parseList(setting("kata.image.insecure")).forEach(b::insecure);
        RegistryOptions.parseList(setting("kata.image.ca")).forEach(p -> b.caCertificate(Path.of(p)));
        return b.build();
    }

    public static Duration pullTimeout() {
        return setting("kata.image.pullTimeout").map(ContainerImages::parseDuration).orElse(DEFAULT_PULL_TIMEOUT);
    }

    private static Duration parseDuration(String s) {
        try {
            return s.matches("[0-9]+") ? Duration.ofSeconds(Long.parseLong(s)) : Duration.parse(s);
        } catch (RuntimeException e) {
            throw new dev.jkata.api.InvalidConfigurationException("kata.image.pullTimeout",
                    "must be seconds or an ISO-8601 duration such as PT5M, not '" + s + "'");
        }
    }

    /** Pulls (per {@code policy}) the image {@code reference} names. */
    public static LocalImage pull(String reference, PullPolicy policy, PullListener listener) {
        return pull(reference, policy, listener, dev.jkata.api.Registries.none());
    }

    /** Pulls (per {@code policy}) the image {@code reference} names, reaching registries with {@code access} as well. */
    public static LocalImage pull(String reference, PullPolicy policy, PullListener listener, dev.jkata.api.Registries access) {
        dev.jkata.image.reference.ImageReference.parse(reference); // a bad reference fails before the store is opened
        return store().pull(reference, policy, listener, pullTimeout(),
                access.isEmpty() ? Optional.empty() : Optional.of(options(access)));
    }

    /** The JVM's options with one sandbox's logins (tried before Docker's), CAs and plain-HTTP registries added. */
    static RegistryOptions options(dev.jkata.api.Registries access) {
        java.util.Map<String, dev.jkata.image.registry.Credentials> logins = new java.util.HashMap<>();
        access.logins().forEach((r, l) -> logins.put(r, new dev.jkata.image.registry.Credentials(l.user(), l.secret())));
        RegistryOptions.Builder b = RegistryOptions.builder().credentials(
                dev.jkata.image.registry.CredentialSource.of(logins).orElse(DockerConfigCredentials.standard()));
        RegistryOptions.parseList(setting("kata.image.insecure")).forEach(b::insecure);
        access.insecureRegistries().forEach(b::insecure);
        RegistryOptions.parseList(setting("kata.image.ca")).forEach(p -> b.caCertificate(Path.of(p)));
        access.caCertificates().forEach(b::caCertificate);
        return b.build();
    }

    /** The API's view of an image in the store. */
    public static ContainerImage describe(String reference, LocalImage img) {
        ImageConfig c = img.config();
        return new ContainerImage(reference, img.manifestDigest(), c.entrypoint(), c.cmd(), c.envMap(), c.workingDir(),
                c.user(), c.exposedPorts(), c.labels());
    }

    /** A property, else the environment variable of the same name upper-cased with '_' ({@code KATA_IMAGE_CA}). */
    private static Optional<String> setting(String name) {
        String v = System.getProperty(name);
        if (v == null || v.isBlank()) {
            v = System.getenv(name.replace('.', '_').toUpperCase(java.util.Locale.ROOT));
        }
        return v == null || v.isBlank() ? Optional.empty() : Optional.of(v);
    }
}
