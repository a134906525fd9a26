/**
 * The guest image builder (Kata's osbuilder, in Java): stages a guest root file system on the host, resolves
 * kernel-module and shared-library dependencies from the files themselves, and writes an initramfs (cpio
 * newc) or an ext4 image for QEMU's NVDIMM, content-addressed in the cache. The guest agent jar it puts in
 * the image is embedded in this module as a resource. It builds on {@code kernel}, {@code cache}, {@code host}
 * and {@code progress} beside it; none of them depends back on it.
 */
package dev.jkata.guestimage;
