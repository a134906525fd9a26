package dev.jkata.guestimage;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.guestimage.host.Command;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Lays out a guest root file system in a host directory, file by file: busybox and its applet links, kernel
 * modules with their load order, crun and the Java runtime with every shared library they load, the agent,
 * and the init. The directory is then packed as an initramfs or written into an ext4 image.
 */
final class RootfsStager {
    private final Path root;

    RootfsStager(Path root) {
        this.root = root;
    }

    Path root() { return root; }

    /** The skeleton: the directories the init mounts onto, and the few files programs look for in /etc. */
    RootfsStager skeleton() throws IOException {
        for (String d : List.of("bin", "dev", "proc", "sys", "run", "tmp", "mnt", "root", "etc/kata", "var",
                "usr/bin", "usr/sbin", "opt/kata/agent", "newroot")) {
            Files.createDirectories(root.resolve(d));
        }
        Files.setPosixFilePermissions(root.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
        link("sbin", "bin");
        text("etc/passwd", "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n", false);
        text("etc/group", "root:x:0:\nnogroup:x:65534:\n", false);
        text("etc/hostname", "kata\n", false);
        return this;
    }

    /** A static busybox at /bin/busybox and a link for each of its applets. */
    RootfsStager busybox(Path busybox) throws IOException {
        copyFile(busybox, root.resolve("bin/busybox"));
        Command.Result r = Command.of(busybox.toString(), "--list").run().orThrow(KataErrorReason.IMAGE_BUILD_FAILED);
        for (String applet : r.stdout().split("\n")) {
            String a = applet.trim();
            if (!a.isEmpty() && !a.contains("/") && !a.equals("busybox") && !Files.exists(root.resolve("bin").resolve(a), LinkOption.NOFOLLOW_LINKS)) {
                Files.createSymbolicLink(root.resolve("bin").resolve(a), Path.of("busybox"));
            }
        }
        return this;
    }

    /** Kernel modules at their module-tree paths, and the order the init loads them in. */
    RootfsStager modules(Path modulesDir, String version, List<String> loadOrder) throws IOException {
        text("etc/kata/kernel.version", version + "\n", false);
        text("etc/kata/modules.load", loadOrder.isEmpty() ? "" : String.join("\n", loadOrder) + "\n", false);
        Path dst = root.resolve("lib/modules").resolve(version);
        for (String rel : loadOrder) {
            copyFile(modulesDir.resolve(rel), dst.resolve(rel));
        }
        return this;
    }

    /** A host program at {@code guestPath}, plus every shared library it loads at the same paths as on the host. */
    RootfsStager program(Path hostBinary, String guestPath) throws IOException {
        copyFile(hostBinary, root.resolve(guestPath));
        libraries(SharedLibraryResolver.closure(List.of(hostBinary)));
        return this;
    }

    /** A Java runtime at {@code guestPath}, with the host libraries its own native code loads. */
    RootfsStager javaRuntime(Path runtime, String guestPath) throws IOException {
        Path dst = root.resolve(guestPath);
        dev.jkata.guestimage.host.FileTrees.copy(runtime, dst);
        List<Path> elves = new ArrayList<>();
        try (Stream<Path> s = Files.walk(dst)) {
            s.filter(Files::isRegularFile).filter(ElfFile::isElf).forEach(elves::add);
        }
        List<Path> own = List.of(dst.resolve("lib"), dst.resolve("lib/server"));
        List<Path> outside = new ArrayList<>();
        for (Path lib : SharedLibraryResolver.closure(elves, own)) {
            if (!lib.toAbsolutePath().normalize().startsWith(dst.toAbsolutePath().normalize())) {
                outside.add(lib);
            }
        }
        libraries(outside);
        return this;
    }

    RootfsStager file(Path source, String guestPath) throws IOException {
        copyFile(source, root.resolve(guestPath));
        return this;
    }

    RootfsStager resource(String name, String guestPath, boolean executable) throws IOException {
        try (InputStream in = Objects.requireNonNull(RootfsStager.class.getResourceAsStream(name), name)) {
            text(guestPath, new String(in.readAllBytes(), StandardCharsets.UTF_8), executable);
        }
        return this;
    }

    RootfsStager text(String guestPath, String content, boolean executable) throws IOException {
        Path p = root.resolve(guestPath);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(executable ? "rwxr-xr-x" : "rw-r--r--"));
        return this;
    }

    RootfsStager link(String guestPath, String target) throws IOException {
        Path p = root.resolve(guestPath);
        Files.createDirectories(p.getParent());
        Files.deleteIfExists(p);
        Files.createSymbolicLink(p, Path.of(target));
        return this;
    }

    /** The total size of the regular files staged so far. */
    long bytes() throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).mapToLong(p -> {
                try {
                    return Files.size(p);
                } catch (IOException e) {
                    return 0;
                }
            }).sum();
        }
    }

    private void libraries(Iterable<Path> libs) throws IOException {
        for (Path lib : libs) {
            Path dst = root.resolve(lib.toString().substring(1));
            if (!Files.exists(dst)) {
                copyFile(lib, dst);
            }
        }
    }

    private static void copyFile(Path from, Path to) throws IOException {
        if (!Files.isReadable(from)) {
            throw new KataException(KataErrorReason.UNREADABLE_PATH, "cannot read " + from + " while building the guest image");
        }
        Files.createDirectories(to.getParent());
        Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
    }
}
