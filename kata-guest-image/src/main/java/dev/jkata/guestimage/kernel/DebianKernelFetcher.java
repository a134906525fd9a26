package dev.jkata.guestimage.kernel;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.guestimage.cache.CacheDirectory;
import dev.jkata.guestimage.host.Command;
import dev.jkata.guestimage.host.HostTools;

import dev.jkata.guestimage.progress.Progress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches Debian's stock kernel as a package into the cache, never installing it on the host:
 * {@code apt-get download} of the package {@code linux-image-amd64} points at, {@code dpkg-deb -x} into a
 * scratch directory, {@code depmod -b} to index its modules, and only the kernel image plus the modules the
 * guest needs (with their dependencies, from modules.dep) are kept. The kernel is also kept uncompressed
 * ({@link PvhKernel}), which QEMU boots about 2 s sooner under TCG.
 */
public final class DebianKernelFetcher {
    private static final Logger LOG = LoggerFactory.getLogger(DebianKernelFetcher.class);
    static final String META_PACKAGE = "linux-image-amd64";
    /** The uncompressed kernel QEMU boots through PVH, when the package's bzImage yields one. */
    static final String VMLINUX = "vmlinux";
    /** Bumped when what an entry holds changes (2: virtio_balloon, and vmlinux for PVH boot; 3: virtio_net; 4: virtio_rng;
     * 5: virtio_blk). */
    private static final int FORMAT = 5;

    private final CacheDirectory cache;
    private final Progress progress;

    public DebianKernelFetcher(CacheDirectory cache, Progress progress) {
        this.cache = cache;
        this.progress = progress;
    }

    /** The default kernel: the cached one if present, otherwise fetched now (about 70 MB, a few seconds). */
    public GuestKernel fetch() {
        String pkg = resolvePackage();
        String version = packageVersion(pkg);
        String key = (pkg + "_" + version + "_v" + FORMAT).replaceAll("[^A-Za-z0-9._+-]", "_");
        Path entry = cache.getOrBuild("kernels", key, into -> build(pkg, into));
        return load(entry);
    }

    static GuestKernel load(Path entry) {
        try (Stream<Path> s = Files.list(entry.resolve("lib/modules"))) {
            Path modules = s.findFirst().orElseThrow();
            Path vmlinux = entry.resolve(VMLINUX);
            Path kernel = Files.exists(vmlinux) ? vmlinux : entry.resolve("vmlinuz");
            return new GuestKernel(kernel, Optional.of(modules), modules.getFileName().toString());
        } catch (IOException e) {
            throw new KataException(KataErrorReason.UNREADABLE_PATH, "broken kernel cache entry " + entry
                    + "; delete it and try again", e);
        }
    }

    private static String resolvePackage() {
        HostTools.APT_CACHE.require();
        Command.Result r = Command.of("apt-cache", "depends", META_PACKAGE).timeout(Duration.ofMinutes(1)).run();
        for (String line : r.stdout().split("\n")) {
            String t = line.trim();
            if (t.startsWith("Depends: linux-image-")) {
                return t.substring("Depends: ".length()).trim();
            }
        }
        throw new KataException(KataErrorReason.MISSING_HOST_DEPENDENCY, "apt does not know " + META_PACKAGE
                + " (" + Command.lastLines(r.stdout() + r.stderr(), 3) + "); run: apt-get update"
                + " — or pass your own kernel with kernel(vmlinuz, modulesDir)");
    }

    private static String packageVersion(String pkg) {
        Command.Result r = Command.of("apt-cache", "show", "--no-all-versions", pkg).timeout(Duration.ofMinutes(1)).run();
        for (String line : r.stdout().split("\n")) {
            if (line.startsWith("Version: ")) {
                return line.substring("Version: ".length()).trim();
            }
        }
        throw new KataException(KataErrorReason.MISSING_HOST_DEPENDENCY, "apt cannot show " + pkg + "; run: apt-get update");
    }

    private void build(String pkg, Path into) throws IOException {
        HostTools.APT_GET.require();
        HostTools.DPKG_DEB.require();
        HostTools.DEPMOD.require();
        Path scratch = Files.createTempDirectory(into.getParent(), ".scratch-");
        try {
            try (Progress.Step step = progress.step("Downloading Debian kernel package " + pkg)) {
                Command.of("apt-get", "download", pkg).directory(scratch).timeout(Duration.ofMinutes(10)).run()
                        .orThrow(KataErrorReason.MISSING_HOST_DEPENDENCY);
            }
            Path deb;
            try (Stream<Path> s = Files.list(scratch)) {
                deb = s.filter(p -> p.toString().endsWith(".deb")).findFirst()
                        .orElseThrow(() -> new KataException(KataErrorReason.MISSING_HOST_DEPENDENCY,
                                "apt-get download " + pkg + " produced no .deb; run apt-get update"));
            }
            Path x = scratch.resolve("x");
            try (Progress.Step step = progress.step("Unpacking " + deb.getFileName())) {
                Command.of("dpkg-deb", "-x", deb.toString(), x.toString()).run().orThrow(KataErrorReason.IMAGE_BUILD_FAILED);
            }
            Path modRoot = x.resolve("lib/modules");
            String version;
            try (Stream<Path> s = Files.list(modRoot)) {
                version = s.findFirst().orElseThrow().getFileName().toString();
            }
            Command.of("depmod", "-b", x.toString(), version).run().orThrow(KataErrorReason.IMAGE_BUILD_FAILED);
            Path vmlinuz;
            try (Stream<Path> s = Files.list(x.resolve("boot"))) {
                vmlinuz = s.filter(p -> p.getFileName().toString().startsWith("vmlinuz")).findFirst().orElseThrow();
            }
            Files.copy(vmlinuz, into.resolve("vmlinuz"));
            try (Progress.Step step = progress.step("Decompressing the kernel for direct (PVH) boot")) {
                if (PvhKernel.extract(vmlinuz, into.resolve(VMLINUX)).isEmpty()) {
                    LOG.info("Kernel {} is not an xz bzImage with a PVH entry point; the guest decompresses it at boot", version);
                }
            }
            Path from = modRoot.resolve(version);
            Path to = into.resolve("lib/modules").resolve(version);
            Files.createDirectories(to);
            List<String> keep = KernelModules.read(from).loadOrder(GuestKernel.GUEST_DRIVERS, GuestKernel.OPTIONAL_DRIVERS);
            for (String rel : keep) {
                Path dst = to.resolve(rel);
                Files.createDirectories(dst.getParent());
                Files.copy(from.resolve(rel), dst);
            }
            for (String index : List.of("modules.dep", "modules.alias", "modules.softdep", "modules.builtin", "modules.order")) {
                if (Files.exists(from.resolve(index))) {
                    Files.copy(from.resolve(index), to.resolve(index), StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
            LOG.info("Cached kernel {} ({} modules kept of the package's)", version, keep.size());
        } finally {
            CacheDirectory.deleteTree(scratch);
        }
    }
}
