/**
 * Applying container image layers (OCI and Docker tar streams, plain, gzip or zstd) in order onto a root directory
 * on the host. Every layer is treated as hostile: entry names and links are confined to the root the way a chroot
 * would confine them, whiteouts follow the OCI rules, and device nodes are refused.
 * {@link dev.jkata.image.layer.RootedPath} is the confined resolver, also for reading files of an unpacked image.
 */
package dev.jkata.image.layer;
