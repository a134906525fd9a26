package dev.jkata.api;

/** When a container image is fetched from its registry, as Testcontainers' and Kubernetes' pull policies. */
public enum PullPolicy {
    /** Pull only when the store does not hold the reference yet (the default). */
    IF_MISSING,
    /** Ask the registry every time (a moved tag is followed; layers already stored are not fetched again). */
    ALWAYS,
    /** Never contact a registry: the image must be in the store (offline use). */
    NEVER
}
