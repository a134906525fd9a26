package dev.jkata.api;

import java.util.Objects;
import java.util.Optional;

/**
 * The root of every error this library raises. Unchecked; callers classify failures on two axes, {@link #code()}
 * (what happened, and {@link #retryable()}) and {@link #source()} (which part), or by the finer {@link #reason()}
 * and by subclass, never by message text. Messages say what went wrong and what to do about it.
 */
public class KataException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final KataErrorReason reason;
    private final KataErrorCode code;
    private final KataErrorSource source;
    private final String sandboxId;

    public KataException(KataErrorReason reason, String message) {
        this(reason, message, null, null);
    }

    public KataException(KataErrorReason reason, String message, Throwable cause) {
        this(reason, message, null, cause);
    }

    public KataException(KataErrorReason reason, String message, String sandboxId, Throwable cause) {
        this(reason, reason.code(), reason.source(), message, sandboxId, cause);
    }

    /** A failure whose code and source differ from its reason's defaults (an agent's answer, say). */
    public KataException(KataErrorReason reason, KataErrorCode code, KataErrorSource source, String message,
                         String sandboxId, Throwable cause) {
        super(sandboxId == null ? message : "[sandbox " + sandboxId + "] " + message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
        this.code = Objects.requireNonNull(code, "code");
        this.source = Objects.requireNonNull(source, "source");
        this.sandboxId = sandboxId;
    }

    /** What kind of failure this is. */
    public KataErrorReason reason() { return reason; }

    /** What happened, on the axis gRPC's status codes use. */
    public KataErrorCode code() { return code; }

    /** Which part failed: the configuration, the host, an image, the hypervisor, the agent, the guest, the network. */
    public KataErrorSource source() { return source; }

    /** Whether the same call, made again unchanged, can succeed ({@link KataErrorCode#retryable()}). */
    public boolean retryable() { return code.retryable(); }

    /** The sandbox the failure belongs to, when there is one. */
    public Optional<String> sandboxId() { return Optional.ofNullable(sandboxId); }
}
