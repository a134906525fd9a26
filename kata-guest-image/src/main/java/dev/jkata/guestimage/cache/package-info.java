/**
 * The per-user, content-addressed cache of built artefacts: kernels, Java runtimes and guest images (and
 * kata-core's VM templates), each published atomically under a file lock so concurrent JVMs never see or leave
 * a half-written entry. Uses only {@code host} of the guest-image toolchain.
 */
package dev.jkata.guestimage.cache;
