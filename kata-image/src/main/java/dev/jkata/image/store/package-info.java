/**
 * The image store: verified blobs by digest, one unpacked root per image built once under a lock that works
 * across JVMs, references, leases held by running sandboxes, removal and pruning.
 */
package dev.jkata.image.store;
