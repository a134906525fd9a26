package dev.jkata.api;

/** The kinds of failure a {@link KataException} reports. */
public enum KataErrorReason {
    /** A spec or builder was given a value it cannot use; the message names the field. */
    INVALID_CONFIGURATION,
    /** A host tool or package is missing; the message names the command that installs it. */
    MISSING_HOST_DEPENDENCY,
    /** A file or directory the caller named cannot be read or does not exist. */
    UNREADABLE_PATH,
    /** The guest kernel lacks a driver the guest needs. */
    KERNEL_UNSUITABLE,
    /** Building a guest image failed (a tool exited non-zero, the disk filled up, ...). */
    IMAGE_BUILD_FAILED,
    /** A container image could not be fetched, verified or unpacked (see the image module's exception for which). */
    IMAGE_FAILED,
    /** A sandbox's network could not be set up: a host port already in use, a destination that does not resolve. */
    NETWORK_FAILED,
    /** The hypervisor could not start, or exited unexpectedly. */
    HYPERVISOR_FAILED,
    /** The requested accelerator cannot be used on this host. */
    ACCELERATOR_UNAVAILABLE,
    /** The QEMU machine protocol failed: malformed or oversized reply, an error answer, a closed socket. */
    QMP_FAILED,
    /** The agent inside the guest failed or answered with an error. */
    AGENT_FAILED,
    /** The guest broke the wire protocol (malformed or oversized frame, window overrun). */
    PROTOCOL_VIOLATION,
    /** A deadline passed. */
    TIMEOUT,
    /** The call is not legal in the object's current state. */
    ILLEGAL_STATE,
    /** The requested thing (container, process) does not exist. */
    NOT_FOUND,
    /** An I/O failure on the host. */
    IO
}
