package dev.jkata.guestimage;

import dev.jkata.guestimage.cache.CacheDirectory;
import dev.jkata.guestimage.cache.Digest;
import dev.jkata.guestimage.host.HostTools;
import dev.jkata.guestimage.progress.Progress;
import java.nio.file.Path;

/**
 * The built-in container root file system: a static busybox with its applets, /etc/passwd and the usual
 * empty directories. Cached like every other artefact; shared read-only into the guest, where the agent
 * stacks a writable overlay on it.
 */
public final class BusyboxRootfs {
    private static final int LAYOUT = 1;

    private BusyboxRootfs() {}

    /** The cached root file system directory, built on first use. */
    public static Path get(CacheDirectory cache, Progress progress) {
        Path busybox = HostTools.BUSYBOX.require();
        String key = Digest.start("busybox-rootfs").add("layout", Integer.toString(LAYOUT)).addFile("busybox", busybox).hex();
        return cache.getOrBuild("rootfs", key, into -> {
            try (Progress.Step s = progress.step("Building the busybox container root file system")) {
                RootfsStager st = new RootfsStager(into.resolve("rootfs")).skeleton().busybox(busybox);
                st.text("etc/hosts", "127.0.0.1 localhost\n", false);
                st.text("etc/resolv.conf", "", false);
                java.nio.file.Files.createDirectories(into.resolve("rootfs/home"));
                java.nio.file.Files.deleteIfExists(into.resolve("rootfs/newroot"));
            }
        }).resolve("rootfs");
    }
}
