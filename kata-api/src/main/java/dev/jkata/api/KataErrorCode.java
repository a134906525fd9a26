package dev.jkata.api;

/**
 * What happened, on one axis, as gRPC's status codes say it, and whether trying again can help. The other axis,
 * which part failed, is {@link KataErrorSource}; {@link KataErrorReason} names the finer kind.
 */
public enum KataErrorCode {
    /** The caller asked for something that can never work as asked: fix the argument the message names. */
    INVALID_ARGUMENT(false),
    /** What the call names (a container, a process, a file) does not exist. */
    NOT_FOUND(false),
    /** What the call would create exists already. */
    ALREADY_EXISTS(false),
    /** The call is valid but the state does not allow it now (a closed sandbox, a missing tool, KVM unusable). */
    FAILED_PRECONDITION(false),
    /** A limit was reached (disk, memory, a message size); trying again once something is freed can work. */
    RESOURCE_EXHAUSTED(true),
    /** A deadline passed before the work finished; trying again, or with a longer deadline, can work. */
    DEADLINE_EXCEEDED(true),
    /** A peer (the agent, a registry, a port) could not be reached just now; trying again can work. */
    UNAVAILABLE(true),
    /** The peer does not do what was asked (an agent without that RPC). */
    UNIMPLEMENTED(false),
    /** Something broke that the caller cannot fix by asking differently: a bug, a hostile or broken peer. */
    INTERNAL(false);

    private final boolean retryable;

    KataErrorCode(boolean retryable) {
        this.retryable = retryable;
    }

    /** Whether the same call, made again unchanged, can succeed. */
    public boolean retryable() {
        return retryable;
    }
}
