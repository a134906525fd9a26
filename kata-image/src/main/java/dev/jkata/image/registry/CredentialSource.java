package dev.jkata.image.registry;

import java.util.Map;
import java.util.Optional;

/** Where a registry's credentials come from: none, given ones, or Docker's config file and helpers. */
@FunctionalInterface
public interface CredentialSource {
    /** The credentials for {@code registry} (a host with an optional port, e.g. {@code 127.0.0.1:5000}), if any. */
    Optional<Credentials> forRegistry(String registry);

    static CredentialSource none() {
        return r -> Optional.empty();
    }

    static CredentialSource of(Map<String, Credentials> byRegistry) {
        Map<String, Credentials> copy = Map.copyOf(byRegistry);
        return r -> Optional.ofNullable(copy.get(r));
    }

    /** Tries this source, then {@code other}. */
    default CredentialSource orElse(CredentialSource other) {
        return r -> forRegistry(r).or(() -> other.forRegistry(r));
    }
}
