package dev.jkata.image.registry;

import java.util.Objects;

/** A user name and secret (password or token) for one registry. {@link #toString()} never shows the secret. */
public record Credentials(String username, String secret) {
    public Credentials {
        Objects.requireNonNull(username, "username");
        Objects.requireNonNull(secret, "secret");
    }

    String basicHeader() {
        return "Basic " + java.util.Base64.getEncoder().encodeToString(
                (username + ":" + secret).getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public String toString() {
        return "Credentials[" + username + ", ****]";
    }
}
