package dev.jkata.bench;

import dev.jkata.api.MemorySize;
import dev.jkata.guestimage.cache.CacheDirectory;
import dev.jkata.guestimage.BusyboxRootfs;
import dev.jkata.guestimage.GuestImage;
import dev.jkata.guestimage.GuestImageBuilder;
import dev.jkata.guestimage.ImageForm;
import dev.jkata.guestimage.progress.Progress;
import dev.jkata.qemu.QemuHypervisor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every benchmark shares: the guest images (built once, from the same cache a sandbox uses, so both boot
 * the very same files), the container root file system, one hypervisor, the floors' initrds, and short scratch
 * directories for VMs' sockets.
 */
final class BenchContext implements AutoCloseable {
    /** A sandbox's defaults ({@code Sandbox.builder()}): the floors' VMs get the same. */
    static final MemorySize MEMORY = MemorySize.ofMiB(512);
    static final int CPUS = 1;

    final BenchOptions options;
    final CacheDirectory cache = CacheDirectory.defaultLocation();
    final Progress progress = Progress.logging();
    final QemuHypervisor hypervisor = QemuHypervisor.create();
    private final Map<ImageForm, GuestImage> images = new EnumMap<>(ImageForm.class);
    private final Path scratch;
    private final Path work;
    private final AtomicInteger seq = new AtomicInteger();
    private Path rootfs;
    private FloorImages floors;

    BenchContext(BenchOptions options, Path work) throws IOException {
        this.options = options;
        this.work = Files.createDirectories(work);
        // Sockets live here: a UNIX socket path must stay under 108 bytes, so not under a deep build directory.
        this.scratch = Files.createTempDirectory(Path.of("/tmp"), "jkb-");
    }

    /** The benchmarks' work directory (kept between runs: things built once live here). */
    Path work() {
        return work;
    }

    synchronized GuestImage image(ImageForm form) {
        return images.computeIfAbsent(form, f -> GuestImageBuilder.create().cache(cache).progress(progress).form(f).build());
    }

    /** The default container's root file system, shared into every sandbox and floor VM. */
    synchronized Path rootfs() {
        if (rootfs == null) {
            rootfs = BusyboxRootfs.get(cache, progress);
        }
        return rootfs;
    }

    synchronized FloorImages floors() {
        if (floors == null) {
            floors = new FloorImages(work.resolve("floor"));
        }
        return floors;
    }

    /** A fresh, short directory for one VM or one sandbox's state root. */
    Path newDir(String prefix) throws IOException {
        return Files.createDirectories(scratch.resolve(prefix + seq.incrementAndGet()));
    }

    @Override
    public void close() throws IOException {
        CacheDirectory.deleteTree(scratch);
    }
}
