package dev.jkata.image.registry;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * How the registry client talks: which registries may be spoken to over plain HTTP (as Docker's
 * insecure-registries; loopback registries always may), extra CA certificates to trust, where credentials come
 * from, and its time and concurrency bounds.
 *
 * @param insecure registries ({@code host[:port]}) allowed over plain HTTP when HTTPS fails
 * @param caCertificates PEM files of CA certificates trusted besides the JDK's own
 * @param credentials where a registry's user name and secret come from
 * @param connectTimeout how long opening a connection may take
 * @param stallTimeout how long a response may go without a byte before the connection is dropped and retried
 * @param attempts how many times a request is tried on a dropped connection, a 5xx or a 429
 * @param concurrentDownloads how many layers download at once
 */
public record RegistryOptions(Set<String> insecure, Set<Path> caCertificates, CredentialSource credentials,
                              Duration connectTimeout, Duration stallTimeout, int attempts, int concurrentDownloads) {
    public RegistryOptions {
        insecure = Set.copyOf(insecure);
        caCertificates = Set.copyOf(caCertificates);
        Objects.requireNonNull(credentials, "credentials");
        for (Path p : caCertificates) {
            if (!Files.isReadable(p)) {
                throw new IllegalArgumentException("CA certificate " + p + " cannot be read; pass a readable PEM file");
            }
        }
        if (attempts < 1 || attempts > 20) {
            throw new IllegalArgumentException("attempts must be 1 to 20, not " + attempts);
        }
        if (concurrentDownloads < 1 || concurrentDownloads > 16) {
            throw new IllegalArgumentException("concurrentDownloads must be 1 to 16, not " + concurrentDownloads);
        }
        if (connectTimeout.isNegative() || connectTimeout.isZero() || stallTimeout.isNegative() || stallTimeout.isZero()) {
            throw new IllegalArgumentException("timeouts must be positive");
        }
    }

    /** Docker's credentials, no insecure registries beyond loopback, the JDK's CAs, 3 downloads at once. */
    public static RegistryOptions defaults() {
        return builder().build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean isInsecure(String registry) {
        return insecure.contains(registry);
    }

    /** Builds {@link RegistryOptions}. */
    public static final class Builder {
        private final Set<String> insecure = new LinkedHashSet<>();
        private final Set<Path> cas = new LinkedHashSet<>();
        private CredentialSource credentials = DockerConfigCredentials.standard();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration stallTimeout = Duration.ofSeconds(30);
        private int attempts = 4;
        private int concurrentDownloads = 3;

        private Builder() {}

        public Builder insecure(String registry) {
            insecure.add(registry);
            return this;
        }

        public Builder caCertificate(Path pem) {
            cas.add(pem);
            return this;
        }

        public Builder credentials(CredentialSource source) {
            this.credentials = source;
            return this;
        }

        public Builder connectTimeout(Duration d) {
            this.connectTimeout = d;
            return this;
        }

        public Builder stallTimeout(Duration d) {
            this.stallTimeout = d;
            return this;
        }

        public Builder attempts(int n) {
            this.attempts = n;
            return this;
        }

        public Builder concurrentDownloads(int n) {
            this.concurrentDownloads = n;
            return this;
        }

        public RegistryOptions build() {
            return new RegistryOptions(insecure, cas, credentials, connectTimeout, stallTimeout, attempts, concurrentDownloads);
        }
    }

    /** Parses a comma-separated list such as the {@code kata.image.insecure} property holds. */
    public static Set<String> parseList(Optional<String> text) {
        Set<String> out = new LinkedHashSet<>();
        text.ifPresent(t -> {
            for (String s : t.split(",")) {
                if (!s.isBlank()) {
                    out.add(s.trim());
                }
            }
        });
        return out;
    }
}
