package dev.jkata.cli;

import dev.jkata.guestimage.GuestImage;
import dev.jkata.guestimage.GuestImageBuilder;
import dev.jkata.guestimage.ImageForm;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kata guest-image build}: builds (or finds in the cache) the guest image, the kernel and initrd that boot
 * the VM (not a container image: those are {@code kata image}'s), and prints where it is.
 */
@Command(name = "guest-image", description = "Guest images: what boots the VM (container images are 'kata image').",
        subcommands = GuestImageCommand.Build.class, mixinStandardHelpOptions = true)
final class GuestImageCommand {

    @Command(name = "build", description = "Build the default guest image (kernel, initrd, nvdimm rootfs) into the cache.",
            mixinStandardHelpOptions = true)
    static final class Build implements Callable<Integer> {
        @Option(names = "--nvdimm", description = "Build the nvdimm form (ext4 rootfs image + small initrd) instead of one initrd.")
        boolean nvdimm;

        @Option(names = "--gzip", description = "Compress the initrd.")
        boolean gzip;

        @Override
        public Integer call() {
            GuestImage img = GuestImageBuilder.create().form(nvdimm ? ImageForm.NVDIMM : ImageForm.INITRD).gzip(gzip)
                    .progress(new TerminalProgress(System.err)).build();
            System.out.println("kernel:  " + img.kernel().vmlinuz() + " (" + img.kernel().version() + ")");
            System.out.printf("initrd:  %s (%.1f MiB)%n", img.initrd(), img.initrdBytes() / 1048576.0);
            img.rootfsImage().ifPresent(r -> System.out.printf("rootfs:  %s (%.1f MiB)%n", r, img.rootfsBytes() / 1048576.0));
            System.out.printf("runtime: %.1f MiB (jlink'ed Java for the agent)%n", img.runtimeBytes() / 1048576.0);
            System.out.println("cmdline: " + img.kernelCommandLine());
            return 0;
        }
    }
}
