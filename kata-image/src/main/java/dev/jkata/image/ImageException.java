package dev.jkata.image;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import java.util.Optional;

/**
 * A container image could not be resolved, fetched, verified or unpacked. The message names the image (and the
 * layer and entry where one is at fault) and says what to do; {@link #kind()} says which of those failed.
 */
public class ImageException extends KataException {
    private static final long serialVersionUID = 1L;

    /** What went wrong with the image. */
    public enum Kind {
        /** The reference does not parse. */
        BAD_REFERENCE,
        /** The registry has no such repository, tag or digest. */
        NOT_FOUND,
        /** The registry refused the credentials, or asked for some and none were given. */
        UNAUTHORIZED,
        /** The registry cannot be reached, answered with an error, or broke the protocol. */
        REGISTRY_FAILED,
        /** Content did not match its digest, or was larger than allowed. */
        DIGEST_MISMATCH,
        /** The manifest is of a kind this library does not run (schema 1, no linux/amd64 entry, unknown media type). */
        UNSUPPORTED,
        /** A layer is malformed or tried to write outside the image's root. */
        BAD_LAYER,
        /** The pull policy forbids pulling and the image is not in the store. */
        NOT_PULLED,
        /** A running sandbox uses the image, so it cannot be removed now. */
        IN_USE,
        /** The store could not be written (disk full, permissions). */
        STORE_FAILED
    }

    private final Kind kind;
    private final String image;

    public ImageException(Kind kind, String image, String message) {
        this(kind, image, message, null);
    }

    public ImageException(Kind kind, String image, String message, Throwable cause) {
        super(reasonOf(kind), image == null ? message : "image " + image + ": " + message, cause);
        this.kind = kind;
        this.image = image;
    }

    private static KataErrorReason reasonOf(Kind kind) {
        return switch (kind) {
            case BAD_REFERENCE -> KataErrorReason.INVALID_CONFIGURATION;
            case IN_USE -> KataErrorReason.ILLEGAL_STATE;
            case NOT_FOUND, NOT_PULLED -> KataErrorReason.NOT_FOUND;
            case STORE_FAILED -> KataErrorReason.IO;
            default -> KataErrorReason.IMAGE_FAILED;
        };
    }

    public Kind kind() { return kind; }

    /** The image reference (or the layout or archive path) the failure is about, when known. */
    public Optional<String> image() { return Optional.ofNullable(image); }
}
