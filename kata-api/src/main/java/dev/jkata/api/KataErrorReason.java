package dev.jkata.api;

/**
 * The finer kind of failure a {@link KataException} reports. Each kind has a default place on the two axes callers
 * branch on, {@link #code()} (what happened, and whether a retry can help) and {@link #source()} (which part); an
 * exception may override both, as the agent client does for each gRPC status it receives.
 */
public enum KataErrorReason {
    /** A spec or builder was given a value it cannot use; the message names the field. */
    INVALID_CONFIGURATION(KataErrorCode.INVALID_ARGUMENT, KataErrorSource.CONFIGURATION),
    /** A host tool or package is missing; the message names the command that installs it. */
    MISSING_HOST_DEPENDENCY(KataErrorCode.FAILED_PRECONDITION, KataErrorSource.HOST),
    /** A file or directory the caller named cannot be read or does not exist. */
    UNREADABLE_PATH(KataErrorCode.NOT_FOUND, KataErrorSource.CONFIGURATION),
    /** The guest kernel lacks a driver the guest needs. */
    KERNEL_UNSUITABLE(KataErrorCode.FAILED_PRECONDITION, KataErrorSource.IMAGE),
    /** Building a guest image failed (a tool exited non-zero, the disk filled up, ...). */
    IMAGE_BUILD_FAILED(KataErrorCode.INTERNAL, KataErrorSource.IMAGE),
    /** A container image could not be fetched, verified or unpacked (see the image module's exception for which). */
    IMAGE_FAILED(KataErrorCode.UNAVAILABLE, KataErrorSource.IMAGE),
    /** A sandbox's network could not be set up: a host port already in use, a destination that does not resolve. */
    NETWORK_FAILED(KataErrorCode.UNAVAILABLE, KataErrorSource.NETWORK),
    /** The hypervisor could not start, or exited unexpectedly. */
    HYPERVISOR_FAILED(KataErrorCode.INTERNAL, KataErrorSource.HYPERVISOR),
    /** The requested accelerator cannot be used on this host. */
    ACCELERATOR_UNAVAILABLE(KataErrorCode.FAILED_PRECONDITION, KataErrorSource.HOST),
    /** The QEMU machine protocol failed: malformed or oversized reply, an error answer, a closed socket. */
    QMP_FAILED(KataErrorCode.INTERNAL, KataErrorSource.HYPERVISOR),
    /** The agent inside the guest failed or answered with an error. */
    AGENT_FAILED(KataErrorCode.INTERNAL, KataErrorSource.AGENT),
    /** The guest broke the wire protocol (malformed or oversized frame, window overrun). */
    PROTOCOL_VIOLATION(KataErrorCode.INTERNAL, KataErrorSource.GUEST),
    /** A deadline passed. */
    TIMEOUT(KataErrorCode.DEADLINE_EXCEEDED, KataErrorSource.GUEST),
    /** The call is not legal in the object's current state. */
    ILLEGAL_STATE(KataErrorCode.FAILED_PRECONDITION, KataErrorSource.HOST),
    /** The requested thing (container, process) does not exist. */
    NOT_FOUND(KataErrorCode.NOT_FOUND, KataErrorSource.GUEST),
    /** An I/O failure on the host. */
    IO(KataErrorCode.INTERNAL, KataErrorSource.HOST);

    private final KataErrorCode code;
    private final KataErrorSource source;

    KataErrorReason(KataErrorCode code, KataErrorSource source) {
        this.code = code;
        this.source = source;
    }

    /** What happened, by default, for a failure of this kind (an exception may say more precisely). */
    public KataErrorCode code() {
        return code;
    }

    /** Which part fails, by default, in a failure of this kind (an exception may say more precisely). */
    public KataErrorSource source() {
        return source;
    }
}
