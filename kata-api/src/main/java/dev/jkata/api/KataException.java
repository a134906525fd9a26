package dev.jkata.api;

import java.util.Objects;
import java.util.Optional;

/**
 * The root of every error this library raises. Unchecked; callers classify failures by {@link #reason()}
 * and by subclass, never by message text. Messages say what went wrong and what to do about it.
 */
public class KataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final KataErrorReason reason;
    private final String sandboxId;

    public KataException(KataErrorReason reason, String message) {
        this(reason, message, null, null);
    }

    public KataException(KataErrorReason reason, String message, Throwable cause) {
        this(reason, message, null, cause);
    }

    public KataException(KataErrorReason reason, String message, String sandboxId, Throwable cause) {
        super(sandboxId == null ? message : "[sandbox " + sandboxId + "] " + message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.sandboxId = sandboxId;
    }

    /** What kind of failure this is. */
    public KataErrorReason reason() { return reason; }

    /** The sandbox the failure belongs to, when there is one. */
    public Optional<String> sandboxId() { return Optional.ofNullable(sandboxId); }
}
