package dev.jkata.api;

/** Which part failed: the second axis of a {@link KataException}, beside {@link KataErrorCode}. */
public enum KataErrorSource {
    /** What the caller configured: a builder's or spec's value, a path it named. */
    CONFIGURATION,
    /** The host: its tools, files, disk, devices (KVM) and this JVM. */
    HOST,
    /** A guest image or a container image: building, fetching, verifying, unpacking. */
    IMAGE,
    /** The hypervisor (QEMU): its launch, its machine protocol, its exit. */
    HYPERVISOR,
    /** The agent in the guest, as seen over its RPC connection. */
    AGENT,
    /** What runs in the guest: its kernel, its containers and processes, the bytes it sends. */
    GUEST,
    /** The sandbox's network: published ports, the user-mode network, names that do not resolve. */
    NETWORK
}
