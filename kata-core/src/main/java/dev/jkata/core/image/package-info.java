/**
 * The guest image builder (Kata's osbuilder, in Java): stages a guest root file system on the host, resolves
 * kernel-module and shared-library dependencies from the files themselves, and writes an initramfs (cpio
 * newc) or an ext4 image for QEMU's NVDIMM, content-addressed in the cache.
 */
package dev.jkata.core.image;
