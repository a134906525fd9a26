package dev.jkata.bench;

import dev.jkata.guestimage.host.HostTools;
import dev.jkata.guestimage.CpioWriter;
import dev.jkata.guestimage.GuestImage;
import dev.jkata.guestimage.ImageForm;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Objects;

/**
 * The floors' guests, as initrds:
 * <ul>
 *   <li>the start floor: a static busybox and an init that prints a marker and powers off;</li>
 *   <li>the serial floor: the full initrd-form guest image with a second cpio archive appended (the kernel
 *       unpacks concatenated archives in turn) that adds {@code /bench-init}, booted with
 *       {@code rdinit=/bench-init}: the same drivers, busybox and crun, without the agent.</li>
 * </ul>
 */
final class FloorImages {
    static final String FLOOR_MARKER = "BENCH_FLOOR: init up";
    static final String SERIAL_READY = "BENCH_SERIAL: ready";
    private static final String SERIAL_INIT = "bench-init";

    private final Path dir;

    FloorImages(Path dir) {
        this.dir = dir;
    }

    /** The start floor's initrd. */
    Path trivial() throws IOException {
        Path out = dir.resolve("floor-initrd.img");
        Path tree = fresh(dir.resolve("floor.d"));
        for (String d : List.of("bin", "proc", "dev")) {
            Files.createDirectories(tree.resolve(d));
        }
        Files.copy(HostTools.BUSYBOX.require(), tree.resolve("bin/busybox"), StandardCopyOption.COPY_ATTRIBUTES);
        Files.createSymbolicLink(tree.resolve("bin/sh"), Path.of("busybox"));
        script("floor-init.sh", tree.resolve("init"));
        CpioWriter.write(tree, out, false);
        return out;
    }

    /** The serial floor's initrd, made from the initrd form of the guest image. */
    Path serial(GuestImage image) throws IOException {
        if (image.form() != ImageForm.INITRD) {
            throw new IllegalArgumentException("the serial floor is made from the initrd form, not " + image.form());
        }
        Path out = dir.resolve("serial-initrd.img");
        Path tree = fresh(dir.resolve("serial.d"));
        script("serial-floor-init.sh", tree.resolve(SERIAL_INIT));
        Path extra = dir.resolve("serial-extra.cpio");
        CpioWriter.write(tree, extra, false);
        try (OutputStream o = Files.newOutputStream(out)) {
            Files.copy(image.initrd(), o);
            Files.copy(extra, o);
        }
        return out;
    }

    /** The image's kernel command line with the serial floor's init. */
    static String serialCommandLine(GuestImage image) {
        String cmd = image.kernelCommandLine().replaceAll("\\brdinit=\\S+", "").strip();
        return cmd + " rdinit=/" + SERIAL_INIT;
    }

    private Path fresh(Path tree) throws IOException {
        if (Files.exists(tree)) {
            dev.jkata.guestimage.cache.CacheDirectory.deleteTree(tree);
        }
        return Files.createDirectories(tree);
    }

    private static void script(String resource, Path to) throws IOException {
        try (InputStream in = Objects.requireNonNull(FloorImages.class.getResourceAsStream(resource), resource)) {
            Files.copy(in, to, StandardCopyOption.REPLACE_EXISTING);
        }
        Files.setPosixFilePermissions(to, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
}
