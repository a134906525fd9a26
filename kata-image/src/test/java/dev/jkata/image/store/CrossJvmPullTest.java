package dev.jkata.image.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.image.testing.RegistryServer;
import dev.jkata.image.testing.TestImage;
import dev.jkata.image.testing.TestLayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two JVMs start the same new image at once: one pulls and unpacks it, the other waits and finds it. */
class CrossJvmPullTest {
    @TempDir
    Path tmp;

    @Test
    void twoJvmsPullingOneNewImageUnpackItOnce() throws Exception {
        byte[] data = new byte[8 << 20];
        new Random(7).nextBytes(data);
        try (RegistryServer registry = RegistryServer.plain()) {
            TestImage.create().layer(TestLayer.create().compression(TestLayer.Compression.NONE).file("data", data, 0644, 0, 0))
                    .layer(TestLayer.create().file("etc/hostname", "x")).push(registry, "test/twojvms", "v1");
            String ref = registry.host() + "/test/twojvms:v1";
            Path store = tmp.resolve("store");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<Process> children = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                children.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                        PullProcess.class.getName(), store.toString(), ref).redirectErrorStream(true).start());
            }
            List<String> outputs = new ArrayList<>();
            for (Process p : children) {
                String out = new String(p.getInputStream().readAllBytes());
                assertThat(p.waitFor(180, TimeUnit.SECONDS)).isTrue();
                assertThat(p.exitValue()).as(out).isZero();
                outputs.add(out.lines().filter(l -> l.startsWith("UNPACKED") || l.startsWith("FOUND")).findFirst().orElse(out));
            }
            assertThat(outputs).filteredOn(o -> o.startsWith("UNPACKED")).hasSize(1);
            assertThat(outputs).filteredOn(o -> o.startsWith("FOUND")).hasSize(1);
            try (Stream<Path> images = Files.list(store.resolve("images"))) {
                assertThat(images.toList()).hasSize(1);
            }
        }
    }
}
