package dev.jkata.agent.errors;

import java.util.Objects;

/**
 * The agent's one error type: every failure inside the agent is an {@code AgentException} with a typed
 * {@link Reason}, which the RPC layer maps to a gRPC status code in one place. Callers classify by reason,
 * never by message text.
 */
public final class AgentException extends RuntimeException {

    /** Why an operation failed. */
    public enum Reason {
        /** The named container, process or file does not exist. */
        NOT_FOUND,
        /** The request is malformed: a bad id, path, format or field value. */
        INVALID_ARGUMENT,
        /** The container, process or sandbox already exists. */
        ALREADY_EXISTS,
        /** The request is valid but the object is in the wrong state for it (not started, stopped, no terminal). */
        FAILED_PRECONDITION,
        /** A guest command (crun, mount, ...) or a guest file operation failed. */
        INTERNAL,
        /** A wait ran past the deadline the request gave. */
        DEADLINE_EXCEEDED,
        /** The wait was interrupted, usually because the caller cancelled its call. */
        CANCELLED
    }

    private final Reason reason;

    public AgentException(Reason reason, String message) {
        this(reason, message, null);
    }

    public AgentException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = Objects.requireNonNull(reason, "reason");
    }

    public Reason reason() { return reason; }

    public static AgentException notFound(String message) { return new AgentException(Reason.NOT_FOUND, message); }

    public static AgentException invalid(String message) { return new AgentException(Reason.INVALID_ARGUMENT, message); }

    public static AgentException exists(String message) { return new AgentException(Reason.ALREADY_EXISTS, message); }

    public static AgentException precondition(String message) { return new AgentException(Reason.FAILED_PRECONDITION, message); }

    public static AgentException internal(String message) { return new AgentException(Reason.INTERNAL, message); }

    public static AgentException internal(String message, Throwable cause) {
        return new AgentException(Reason.INTERNAL, message, cause);
    }

    /** For a blocking wait that was interrupted; re-asserts the thread's interrupt flag. */
    public static AgentException interrupted(String what) {
        Thread.currentThread().interrupt();
        return new AgentException(Reason.CANCELLED, "interrupted while " + what);
    }
}
