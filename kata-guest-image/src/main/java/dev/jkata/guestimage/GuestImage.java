package dev.jkata.guestimage;

import dev.jkata.guestimage.kernel.GuestKernel;
import java.nio.file.Path;
import java.util.Optional;

/**
 * A bootable guest: the kernel, the initramfs, and for the {@link ImageForm#NVDIMM} form the root file
 * system image, with the kernel command line they expect. Immutable; the files live in the cache.
 *
 * @param rootfsImage present for the NVDIMM form only
 * @param runtimeBytes the size of the jlink'ed Java runtime inside the image
 */
public record GuestImage(ImageForm form, GuestKernel kernel, Path initrd, Optional<Path> rootfsImage,
                         String kernelCommandLine, long initrdBytes, long rootfsBytes, long runtimeBytes) {

    /** The marker the guest init prints on the console just before it starts the agent. */
    public static final String AGENT_START_MARKER = "KATA_INIT: starting agent";
}
