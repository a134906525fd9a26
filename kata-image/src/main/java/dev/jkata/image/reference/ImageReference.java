package dev.jkata.image.reference;

import dev.jkata.image.ImageException;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A container image reference, normalised as Docker does: {@code alpine} is {@code docker.io/library/alpine:latest},
 * {@code 127.0.0.1:5000/team/app:1} names its own registry. A reference has a tag, a digest, or both (the digest
 * wins when pulling; the tag is kept for display).
 */
public record ImageReference(String registry, String repository, Optional<String> tag, Optional<String> digest) {
    /** Docker Hub's name in references; its API lives at {@link #DOCKER_HUB_API}. */
    public static final String DOCKER_HUB = "docker.io";
    public static final String DOCKER_HUB_API = "registry-1.docker.io";

    private static final Pattern COMPONENT = Pattern.compile("[a-z0-9]+(?:(?:\\.|_|__|-+)[a-z0-9]+)*");
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}");
    private static final Pattern DIGEST = Pattern.compile("sha256:[a-f0-9]{64}");
    private static final Pattern REGISTRY = Pattern.compile("[A-Za-z0-9.-]+(?::[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](?::[0-9]{1,5})?");
    private static final int MAX_LENGTH = 255 + 128 + 72;

    public ImageReference {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(digest, "digest");
        if (tag.isEmpty() && digest.isEmpty()) {
            throw new IllegalArgumentException("a reference needs a tag or a digest");
        }
    }

    /** Parses {@code [registry/]path[:tag][@sha256:hex]}; a reference with neither tag nor digest gets {@code latest}. */
    public static ImageReference parse(String text) {
        if (text == null || text.isBlank()) {
            throw bad(String.valueOf(text), "is empty; name an image such as alpine:3.20 or 127.0.0.1:5000/team/app:1");
        }
        if (text.length() > MAX_LENGTH) {
            throw bad(text.substring(0, 40) + "...", "is longer than " + MAX_LENGTH + " characters");
        }
        String rest = text;
        Optional<String> digest = Optional.empty();
        int at = rest.indexOf('@');
        if (at >= 0) {
            String d = rest.substring(at + 1);
            if (!DIGEST.matcher(d).matches()) {
                throw bad(text, "has digest " + d + ", which is not sha256: and 64 lower-case hex digits");
            }
            digest = Optional.of(d);
            rest = rest.substring(0, at);
        }
        Optional<String> tag = Optional.empty();
        int slash = rest.lastIndexOf('/');
        int colon = rest.lastIndexOf(':');
        if (colon > slash) {
            String t = rest.substring(colon + 1);
            if (!TAG.matcher(t).matches()) {
                throw bad(text, "has tag '" + t + "'; a tag is up to 128 letters, digits, '_', '.' and '-', not starting with '.' or '-'");
            }
            tag = Optional.of(t);
            rest = rest.substring(0, colon);
        }
        String registry = DOCKER_HUB;
        int first = rest.indexOf('/');
        if (first > 0) {
            String head = rest.substring(0, first);
            if (head.contains(".") || head.contains(":") || head.equals("localhost") || head.startsWith("[")) {
                if (!REGISTRY.matcher(head).matches()) {
                    throw bad(text, "names registry '" + head + "', which is not a host name with an optional port");
                }
                registry = head;
                rest = rest.substring(first + 1);
            }
        }
        if (registry.equals("index.docker.io")) {
            registry = DOCKER_HUB;
        }
        for (String c : rest.split("/", -1)) {
            if (!COMPONENT.matcher(c).matches()) {
                throw bad(text, "has repository path component '" + c + "'; use lower-case letters, digits and single"
                        + " separators ('.', '_', '-')");
            }
        }
        if (registry.equals(DOCKER_HUB) && !rest.contains("/")) {
            rest = "library/" + rest;
        }
        if (tag.isEmpty() && digest.isEmpty()) {
            tag = Optional.of("latest");
        }
        return new ImageReference(registry, rest, tag, digest);
    }

    private static ImageException bad(String text, String why) {
        return new ImageException(ImageException.Kind.BAD_REFERENCE, text, "the reference " + why);
    }

    /** The host (and port) whose {@code /v2/} API serves this image. */
    public String apiHost() {
        return registry.equals(DOCKER_HUB) ? DOCKER_HUB_API : registry;
    }

    /** The digest when there is one, else the tag: what the manifest request names. */
    public String manifestKey() {
        return digest.orElseGet(tag::get);
    }

    /** True for a registry on this machine's loopback, which may be spoken to over plain HTTP. */
    public boolean isLoopback() {
        String host = registry.replaceFirst(":[0-9]+$", "");
        return host.equals("localhost") || host.matches("127(?:\\.[0-9]{1,3}){3}") || host.equals("[::1]");
    }

    /** This reference pinned to {@code manifestDigest}, keeping its tag for display. */
    public ImageReference withDigest(String manifestDigest) {
        return new ImageReference(registry, repository, tag, Optional.of(manifestDigest));
    }

    /** The full normalised form: {@code registry/repository[:tag][@digest]}. */
    @Override
    public String toString() {
        return registry + "/" + repository + tag.map(t -> ":" + t).orElse("") + digest.map(d -> "@" + d).orElse("");
    }
}
