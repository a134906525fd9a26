package dev.jkata.image.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.image.layer.MappedXattr;
import dev.jkata.image.layer.Ownership;
import dev.jkata.image.testing.RegistryServer;
import dev.jkata.image.testing.TestImage;
import dev.jkata.image.testing.TestLayer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user who is not root (uid 65534, in a JVM of its own) pulls and unpacks an image: it cannot chown, so the
 * image's owners and set-uid bit go into extended attributes, and its links into plain files.
 */
class NonRootPullTest {
    private static final int NOBODY = 65534;

    @TempDir
    Path tmp;

    @Test
    void aUserWhoCannotChownKeepsTheImagesOwnersInExtendedAttributes() throws Exception {
        assertThat(Ownership.forThisProcess()).as("starting a JVM as another user needs root; run the tests as root"
                + " (scripts/test.sh does on CI)").isEqualTo(Ownership.NATIVE);
        try (RegistryServer registry = RegistryServer.plain()) {
            TestImage.create().layer(TestLayer.create().file("bin/su", "x".getBytes(), 04755, 0, 0)
                    .file("home/app/notes", "n".getBytes(), 0640, 1000, 1001).symlink("bin/alias", "su"))
                    .push(registry, "test/nonroot", "v1");
            Path classpath = copyClassPath(tmp.resolve("cp"));
            Path store = Files.createDirectories(tmp.resolve("store"));
            Files.setAttribute(store, "unix:uid", NOBODY);
            Files.setAttribute(store, "unix:gid", NOBODY);
            Files.setPosixFilePermissions(tmp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups",
                    java, "-cp", classpath + "/*:" + classpath + "/classes:" + classpath + "/test-classes",
                    PullProcess.class.getName(), store.toString(), registry.host() + "/test/nonroot:v1")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
            assertThat(p.exitValue()).as(out).isZero();
            assertThat(out).contains("UNPACKED");

            Path rootfs;
            try (Stream<Path> images = Files.list(store.resolve("images"))) {
                rootfs = images.findFirst().orElseThrow().resolve("rootfs");
            }
            Path su = rootfs.resolve("bin/su");
            assertThat(Files.getAttribute(su, "unix:uid")).as("the host file is the user's").isEqualTo(NOBODY);
            assertThat(MappedXattr.owner(su)).as("the image's owner, kept for the guest").containsExactly(0, 0);
            assertThat(MappedXattr.mode(su) & 07777).isEqualTo(04755);
            assertThat(MappedXattr.owner(rootfs.resolve("home/app/notes"))).containsExactly(1000, 1001);
            assertThat(Files.isSymbolicLink(rootfs.resolve("bin/alias"))).isFalse();
            assertThat(Files.readString(rootfs.resolve("bin/alias"))).isEqualTo("su");
            assertThat(Files.readString(store.resolve("images").resolve(rootfs.getParent().getFileName()).resolve("image.json")))
                    .contains("mapped-xattr");
        }
    }

    /** This JVM's class path, copied where another user can read it (a build's jars live in root's home). */
    private static Path copyClassPath(Path into) throws Exception {
        Files.createDirectories(into);
        List<String> dirs = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(e);
            if (Files.isRegularFile(p)) {
                Files.copy(p, into.resolve(p.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            } else if (Files.isDirectory(p)) {
                String name = p.getFileName().toString();
                if (name.equals("classes") || name.equals("test-classes")) {
                    dirs.add(name);
                    try (Stream<Path> files = Files.walk(p)) {
                        for (Path f : files.toList()) {
                            Path target = into.resolve(name).resolve(p.relativize(f).toString());
                            if (Files.isDirectory(f)) {
                                Files.createDirectories(target);
                            } else {
                                Files.copy(f, target, StandardCopyOption.REPLACE_EXISTING);
                            }
                        }
                    }
                }
            }
        }
        try (Stream<Path> all = Files.walk(into)) {
            for (Path f : all.toList()) {
                Files.setPosixFilePermissions(f, java.nio.file.attribute.PosixFilePermissions.fromString(
                        Files.isDirectory(f) ? "rwxr-xr-x" : "rw-r--r--"));
            }
        }
        return into;
    }
}
