/**
 * Joining an existing network namespace, Kata 1.x's way: for each veth (or macvlan, ipvlan) device a container
 * engine's CNI plugin put there, a tap device beside it in the same namespace, the two mirrored into each other by
 * tc ({@code ingress} qdisc, {@code u32} match-all, {@code mirred egress redirect}), QEMU started in the namespace
 * with a virtio-net NIC on the tap, and the guest's interface given the device's MAC address, addresses, MTU and
 * routes. {@link dev.jkata.core.netns.JoinedNamespace} is the whole of it for one sandbox; the engine's device is
 * left as found when the sandbox goes.
 */
package dev.jkata.core.netns;
