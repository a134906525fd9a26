package dev.jkata.image.manifest;

import java.util.Objects;
import java.util.regex.Pattern;

/** Content named by its digest: a manifest, a config or a layer, with the size it must have. */
public record Descriptor(String mediaType, String digest, long size) {
    private static final Pattern SHA256 = Pattern.compile("sha256:[a-f0-9]{64}");

    public Descriptor {
        Objects.requireNonNull(mediaType, "mediaType");
        if (digest == null || !SHA256.matcher(digest).matches()) {
            throw new IllegalArgumentException("digest " + digest + " is not sha256: and 64 lower-case hex digits");
        }
        if (size < 0) {
            throw new IllegalArgumentException("size " + size + " is negative");
        }
    }

    /** The digest's 64 hex digits: the blob's file name in the store. */
    public String hex() {
        return digest.substring("sha256:".length());
    }
}
