/**
 * The sandbox's scratch disk on the host: a sparse file, formatted ext4 without root, that the guest sees as a
 * virtio-blk device and its containers' writable layers live on. One file per sandbox, locked while the sandbox
 * lives, deleted when it closes; a file whose lock nobody holds was left by a JVM that died, and the next start sweeps
 * it away.
 */
package dev.jkata.core.disk;
