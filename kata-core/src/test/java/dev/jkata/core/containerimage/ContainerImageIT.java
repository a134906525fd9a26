package dev.jkata.core.containerimage;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.api.ContainerImage;
import dev.jkata.api.ExecResult;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.Sandbox;
import dev.jkata.image.testing.RegistryServer;
import dev.jkata.image.testing.TestImage;
import dev.jkata.image.testing.TestLayer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Container images end to end in a real VM: an image built here from this machine's static busybox, pushed to a
 * real registry on loopback, pulled into a private store, and run with its config applied.
 */
@Timeout(600)
class ContainerImageIT {
    static RegistryServer registry;
    static Path store;
    static String ref;

    /** Busybox and the names it answers to, a user named app, and a file the next layer deletes. */
    static TestImage busyboxImage() throws IOException {
        byte[] busybox = Files.readAllBytes(Path.of("/bin/busybox"));
        TestLayer base = TestLayer.create().compression(TestLayer.Compression.GZIP)
                .dir("bin").file("bin/busybox", busybox, 0755, 0, 0)
                .dir("etc").file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:app:/home/app:/bin/sh\n")
                .file("etc/group", "root:x:0:\napp:x:1001:\n")
                .dir("data").file("data/deleted", "you should not see me\n").file("data/kept", "kept\n")
                .dir("tmp").dir("proc").dir("sys").dir("dev").dir("root");
        for (String applet : List.of("sh", "cat", "echo", "id", "pwd", "ls", "env", "sleep", "test", "true", "stat")) {
            base.symlink("bin/" + applet, "busybox");
        }
        return TestImage.create()
                .layer(base)
                .layer(TestLayer.create().compression(TestLayer.Compression.ZSTD)
                        .whiteout("data/deleted").file("data/upper", "from layer 2\n"))
                .env("GREETING=hello from the image").env("PATH=/bin")
                .workingDir("/data").user("app").label("org.example.team", "ci")
                .cmd("sh", "-c", "echo \"default: $GREETING as $(id -u):$(id -g) in $(pwd)\"");
    }

    @BeforeAll
    static void pushImage() throws IOException {
        registry = RegistryServer.plain();
        store = Files.createTempDirectory("jkata-it-images");
        System.setProperty("kata.image.store", store.toString());
        busyboxImage().push(registry, "it/busybox", "1");
        ref = registry.host() + "/it/busybox:1";
    }

    @AfterAll
    static void cleanUp() throws IOException {
        System.clearProperty("kata.image.store");
        registry.close();
        if (store != null) {
            dev.jkata.image.store.ImageStore.open(store, dev.jkata.image.registry.RegistryOptions.defaults())
                    .prune(java.time.Duration.ZERO, 0);
            Files.walk(store).sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Test
    void anImagesConfigAppliesInTheGuest() throws Exception {
        try (Sandbox sb = Sandbox.builder().image(ref).publishExposedPorts().start()) {
            ContainerImage img = sb.container().image().orElseThrow();
            assertThat(img.labels()).containsEntry("org.example.team", "ci");
            assertThat(img.exposedPorts()).contains("80/tcp");
            assertThat(sb.hostPort(80)).as("the image's ExposedPorts, published on request").isPositive();

            ExecResult id = sb.run("id", "-u");
            assertThat(id.stdout().trim()).as("the image's User 'app', resolved through its /etc/passwd").isEqualTo("1000");
            assertThat(sb.run("id", "-g").stdout().trim()).isEqualTo("1001");
            assertThat(sb.run("pwd").stdout().trim()).as("WorkingDir").isEqualTo("/data");
            assertThat(sb.run("sh", "-c", "echo $GREETING").stdout().trim()).as("Env").isEqualTo("hello from the image");
            assertThat(sb.run("cat", "/data/upper").stdout()).isEqualTo("from layer 2\n");
            assertThat(sb.run("cat", "/data/kept").stdout()).isEqualTo("kept\n");
            ExecResult gone = sb.run("cat", "/data/deleted");
            assertThat(gone.exitCode()).as("a file a later layer deleted is gone").isNotZero();
            ExecResult asRoot = sb.container().run(ExecSpec.builder("id", "-u").user("root").build());
            assertThat(asRoot.stdout().trim()).isEqualTo("0");
        }
    }

    /**
     * Unpacked the way a user who cannot chown unpacks (owners, modes and links in extended attributes; the host
     * files are plain files of this user), the guest still sees the image's owners, its set-uid bit and its links,
     * through 9p's mapped-xattr model.
     */
    @Test
    void anImageUnpackedWithoutChownShowsItsOwnersInTheGuest() throws Exception {
        Path mapped = Files.createTempDirectory("jkata-it-mapped");
        String before = System.getProperty("kata.image.store");
        System.setProperty("kata.image.store", mapped.toString());
        System.setProperty("kata.image.ownership", "mapped-xattr");
        try {
            TestImage.create().layer(busyboxImage().layers().get(0))
                    .layer(TestLayer.create().file("data/owned", "x\n".getBytes(), 0640, 1000, 1001)
                            .file("data/suid", "y\n".getBytes(), 04755, 0, 0))
                    .env("PATH=/bin").push(registry, "it/mapped", "1");
            try (Sandbox sb = Sandbox.builder().image(registry.host() + "/it/mapped:1").start()) {
                assertThat(sb.run("stat", "-c", "%u:%g %a", "/data/owned").stdout().trim()).isEqualTo("1000:1001 640");
                assertThat(sb.run("stat", "-c", "%u:%g %a", "/data/suid").stdout().trim()).isEqualTo("0:0 4755");
                assertThat(sb.run("sh", "-c", "test -L /bin/sh && echo link").stdout().trim()).isEqualTo("link");
                assertThat(sb.run("cat", "/data/kept").stdout()).isEqualTo("kept\n");
            }
            Path host = Files.list(mapped.resolve("images")).findFirst().orElseThrow().resolve("rootfs");
            assertThat(Files.isSymbolicLink(host.resolve("bin/sh"))).as("on the host the link is a plain file").isFalse();
            assertThat((int) Files.getAttribute(host.resolve("data/suid"), "unix:mode") & 07777).isEqualTo(0600);
        } finally {
            System.clearProperty("kata.image.ownership");
            System.setProperty("kata.image.store", before);
            dev.jkata.image.store.ImageStore.open(mapped, dev.jkata.image.registry.RegistryOptions.defaults())
                    .prune(java.time.Duration.ZERO, 0);
            Files.walk(mapped).sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }
}
