package dev.jkata.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.image.registry.RegistryOptions;
import dev.jkata.image.store.ImageStore;
import dev.jkata.image.testing.RegistryServer;
import dev.jkata.image.testing.TestImage;
import dev.jkata.image.testing.TestLayer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code kata run --image} in a real VM, with an image served by a real registry on loopback. */
@Timeout(600)
class ImageRunIT {
    static RegistryServer registry;
    static Path store;
    static String ref;
    static String scratch;
    static String nothingToRun;

    @BeforeAll
    static void pushImage() throws Exception {
        registry = RegistryServer.plain();
        store = Files.createTempDirectory("jkata-it-images");
        System.setProperty("kata.image.store", store.toString());
        TestLayer root = TestLayer.create().compression(TestLayer.Compression.GZIP)
                .dir("bin").file("bin/busybox", Files.readAllBytes(Path.of("/bin/busybox")), 0755, 0, 0)
                .symlink("bin/sh", "busybox").symlink("bin/id", "busybox").symlink("bin/pwd", "busybox")
                // no sleep, no coreutils: nothing of the image is needed by jkata itself
                .dir("etc").file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\napp:x:1000:1001:app:/data:/bin/sh\n")
                .file("etc/group", "root:x:0:\napp:x:1001:\n")
                .dir("data").dir("tmp").dir("proc").dir("sys").dir("dev").dir("root");
        TestImage.create().layer(root).env("GREETING=hello from the image").env("PATH=/bin")
                .workingDir("/data").user("app")
                .cmd("sh", "-c", "echo \"default: $GREETING as $(id -u):$(id -g) in $(pwd)\"")
                .push(registry, "it/cli", "1");
        ref = registry.host() + "/it/cli:1";
        // FROM scratch: one static binary and an Entrypoint, nothing else (no /bin, /etc, /proc or /dev)
        TestLayer app = TestLayer.create().compression(TestLayer.Compression.GZIP)
                .file("busybox", Files.readAllBytes(Path.of("/bin/busybox")), 0755, 0, 0); // busybox runs the applet argv[0] names
        TestImage.create().layer(app).entrypoint("/busybox", "echo", "scratch-ok").push(registry, "it/scratch", "1");
        scratch = registry.host() + "/it/scratch:1";
        TestImage.create().layer(app).push(registry, "it/nothing", "1");
        nothingToRun = registry.host() + "/it/nothing:1";
    }

    @AfterAll
    static void cleanUp() throws Exception {
        System.clearProperty("kata.image.store");
        registry.close();
        ImageStore.open(store, RegistryOptions.defaults()).prune(Duration.ZERO, 0);
        try (var files = Files.walk(store)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    @Test
    void kataRunWithAnImageRunsItsDefaultCommandOrTheGivenOne() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = TestAccess.execute(new PrintStream(out, true), new PrintStream(err, true), "run", "--image", ref);
        assertThat(code).as("stderr: %s", err).isZero();
        assertThat(out.toString().trim()).isEqualTo("default: hello from the image as 1000:1001 in /data");

        out.reset();
        code = TestAccess.execute(new PrintStream(out, true), new PrintStream(err, true),
                "run", "--image", ref, "--pull", "never", "-u", "0", "--", "sh", "-c", "echo args replace the command; exit 7");
        assertThat(code).isEqualTo(7);
        assertThat(out.toString().trim()).isEqualTo("args replace the command");
    }

    @Test
    void aScratchImageRunsItsEntrypointAsPidOne() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = TestAccess.execute(new PrintStream(out, true), new PrintStream(err, true), "run", "--image", scratch);
        assertThat(code).as("stderr: %s", err).isZero();
        assertThat(out.toString()).isEqualTo("scratch-ok\n");

        out.reset();
        // arguments after -- follow the entrypoint, as docker run's do
        code = TestAccess.execute(new PrintStream(out, true), new PrintStream(err, true), "run", "--image", scratch,
                "--pull", "never", "--", "and", "more");
        assertThat(code).as("stderr: %s", err).isZero();
        assertThat(out.toString()).isEqualTo("scratch-ok and more\n");
    }

    @Test
    void theCommandIsPidOneAndAMissingProgramIs127() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = TestAccess.execute(new PrintStream(out, true), new PrintStream(err, true),
                "run", "--image", ref, "--pull", "never", "--", "sh", "-c", "echo $$; exit 3");
        assertThat(code).as("stderr: %s", err).isEqualTo(3);
        assertThat(out.toString()).isEqualTo("1\n");

        out.reset();
        err.reset();
        code = TestAccess.execute(new PrintStream(out, true), new PrintStream(err, true),
                "run", "--image", ref, "--pull", "never", "--", "/no/such/program");
        assertThat(code).isEqualTo(127);
        assertThat(err.toString()).contains("/no/such/program");
    }

    @Test
    void anImageWithNothingToRunIsAUsageErrorBeforeAnyBoot() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = TestAccess.execute(new PrintStream(out, true), new PrintStream(err, true), "run", "--image", nothingToRun);
        assertThat(code).isEqualTo(KataCli.USAGE);
        assertThat(err.toString()).contains(nothingToRun).contains("no default command").contains("after --")
                .doesNotContain("Starting the sandbox");
    }
}
