package dev.jkata.guestimage;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.MissingHostDependencyException;
import dev.jkata.guestimage.cache.CacheDirectory;
import dev.jkata.guestimage.cache.Digest;
import dev.jkata.guestimage.host.Command;
import dev.jkata.guestimage.progress.Progress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The guest's Java runtime: {@code jlink} of only the modules the agent needs, stripped of debug data, man
 * pages and headers, cached by the JDK it came from and the module list.
 */
public final class JavaRuntime {
    /** What the agent needs: netty wants jdk.unsupported (Unsafe) and java.naming; gRPC logs via java.logging. */
    public static final List<String> AGENT_MODULES = List.of("java.base", "java.logging", "jdk.unsupported", "java.naming");

    private JavaRuntime() {}

    /** The JDK to jlink from: system property {@code kata.guest.jdk}, else the running JVM's. */
    public static Path jdkHome() {
        String p = System.getProperty("kata.guest.jdk");
        return Path.of(p != null && !p.isBlank() ? p : System.getProperty("java.home"));
    }

    /**
     * Returns the cached runtime directory for {@code jdk}, building it with jlink on first use. The JDK needs
     * its jmods, or (JDK 24 and later) to be a linkable run-time image, as Temurin's builds are.
     */
    public static Path build(CacheDirectory cache, Path jdk, Progress progress) {
        Path jlink = jdk.resolve("bin/jlink");
        Path jmods = jdk.resolve("jmods");
        Path linkedFrom = Files.isDirectory(jmods) ? jmods.resolve("java.base.jmod") : jdk.resolve("lib/modules");
        if (!Files.isExecutable(jlink) || !(Files.isDirectory(jmods) || featureVersion(jdk) >= 24)) {
            throw new MissingHostDependencyException("jlink and jmods in " + jdk
                    + " (a full JDK, not a JRE)", "apt-get install -y openjdk-17-jdk-headless openjdk-17-jmods"
                    + "   (or set -Dkata.guest.jdk=/path/to/a/jdk)");
        }
        Digest d = Digest.start("jre").add("jdk", jdk.toString()).add("modules", String.join(",", AGENT_MODULES));
        d.addFile("release", jdk.resolve("release"));
        d.addFile("linked-from", linkedFrom);
        return cache.getOrBuild("runtimes", d.hex(), into -> {
            try (Progress.Step s = progress.step("Linking the guest Java runtime (jlink " + String.join(",", AGENT_MODULES) + ")")) {
                Path out = into.resolve("jre");
                Command.of(jlink.toString(), "--add-modules", String.join(",", AGENT_MODULES),
                                "--strip-debug", "--no-header-files", "--no-man-pages",
                                "--output", out.toString())
                        .timeout(Duration.ofMinutes(10)).run().orThrow(KataErrorReason.IMAGE_BUILD_FAILED);
                // The CDS archive speeds the guest JVM's start; make it for this module set.
                Command.of(out.resolve("bin/java").toString(), "-Xshare:dump").timeout(Duration.ofMinutes(5)).run();
            }
        }).resolve("jre");
    }

    /** The JDK's feature version (17, 25, ...) from its {@code release} file; 0 when it cannot be read. */
    public static int featureVersion(Path jdk) {
        try {
            for (String line : Files.readAllLines(jdk.resolve("release"))) {
                if (line.startsWith("JAVA_VERSION=")) {
                    String v = line.substring("JAVA_VERSION=".length()).replace("\"", "");
                    return Integer.parseInt(v.split("[.+-]")[0]);
                }
            }
        } catch (java.io.IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
