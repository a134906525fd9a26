package dev.jkata.guestimage.kernel;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A guest kernel: the compressed kernel image QEMU boots, and where its drivers are modules, the module tree
 * ({@code lib/modules/VERSION}) with depmod's index files. A kernel with every driver built in has no
 * module tree.
 */
public record GuestKernel(Path vmlinuz, Optional<Path> modulesDir, String version) {

    /** The drivers a guest needs: virtio transport and console, 9p sharing, nvdimm, ext4, overlay, vsock. */
    public static final List<String> GUEST_DRIVERS = List.of(
            "virtio_pci", "virtio_console", "9p", "9pnet_virtio", "nfit", "nd_pmem", "ext4", "overlay",
            "vmw_vsock_virtio_transport");

    /**
     * Drivers a guest uses when its kernel has them: virtio_balloon, whose free page reporting hands the RAM the
     * guest frees back to the host; virtio_net, for a sandbox with a NAT network; virtio_rng, which feeds the
     * kernel's random pool from the host's; virtio_blk, for the sandbox's scratch disk.
     */
    public static final List<String> OPTIONAL_DRIVERS = List.of("virtio_balloon", "virtio_net", "virtio_rng", "virtio_blk");

    public GuestKernel {
        if (!Files.isReadable(vmlinuz)) {
            throw new KataException(KataErrorReason.UNREADABLE_PATH, "kernel image " + vmlinuz
                    + " does not exist or is not readable; pass a readable vmlinuz, or omit kernel() to use the default");
        }
        modulesDir.ifPresent(d -> {
            if (!Files.isDirectory(d)) {
                throw new KataException(KataErrorReason.UNREADABLE_PATH, "kernel modules directory " + d
                        + " does not exist; pass lib/modules/VERSION of the kernel, or none if its drivers are built in");
            }
        });
    }

    /** A user-supplied kernel; {@code modulesDir} may be null when its drivers are built in. */
    public static GuestKernel of(Path vmlinuz, Path modulesDir) {
        Optional<Path> m = Optional.ofNullable(modulesDir);
        return new GuestKernel(vmlinuz, m, m.map(p -> p.getFileName().toString()).orElse("custom"));
    }
}
