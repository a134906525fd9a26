package dev.jkata.guestimage;

/** The two guest image forms Kata's osbuilder makes. */
public enum ImageForm {
    /** Everything in one initramfs (cpio newc) that the kernel unpacks into RAM. */
    INITRD,
    /**
     * A raw ext4 root file system QEMU maps read-only from the host file as an NVDIMM (/dev/pmem0), plus a
     * small initramfs that mounts it and switches root. The image's pages stay in the host page cache,
     * shared by every sandbox.
     */
    NVDIMM
}
