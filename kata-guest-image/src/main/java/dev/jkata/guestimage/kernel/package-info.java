/**
 * The guest kernel: Debian's stock kernel fetched as a package into the cache (never installed on the host),
 * or a user-supplied kernel, with the module tree the guest init loads drivers from. Uses {@code cache},
 * {@code host} and {@code progress}, not the image builder.
 */
package dev.jkata.guestimage.kernel;
