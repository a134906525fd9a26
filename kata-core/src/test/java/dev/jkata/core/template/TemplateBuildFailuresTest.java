package dev.jkata.core.template;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.api.Sandbox;
import dev.jkata.core.guest.Guest;
import dev.jkata.core.guest.GuestLauncher;
import dev.jkata.core.guest.GuestRequest;
import dev.jkata.core.guest.GuestShare;
import dev.jkata.core.guest.GuestTemplating;
import dev.jkata.guestimage.cache.CacheDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 29: a configuration whose template cannot be built boots cold at once on later starts, not after a failed build each time. */
class TemplateBuildFailuresTest {
    @TempDir
    Path dir;

    /** A launcher whose templates always fail to build (as the upstream agent's do); cold launches are counted. */
    class Untemplatable implements GuestLauncher, GuestTemplating {
        final AtomicInteger builds = new AtomicInteger();
        final AtomicInteger cold = new AtomicInteger();
        final CacheDirectory cache = new CacheDirectory(dir.resolve("cache"));

        @Override
        public Path defaultRootfs() { return dir; }

        @Override
        public Guest launch(GuestRequest request) {
            cold.incrementAndGet();
            return null; // Templates hands the launcher's guest back untouched
        }

        @Override
        public Optional<GuestTemplating> templating() { return Optional.of(this); }

        @Override
        public CacheDirectory cache() { return cache; }

        @Override
        public String templateKey(GuestRequest request) { return "one configuration"; }

        @Override
        public Guest launchTemplate(GuestRequest request, Path ramFile) {
            builds.incrementAndGet();
            throw new IllegalStateException("the agent never let its host session go\n\u001b[2Jforged line");
        }

        @Override
        public Guest launchClone(GuestRequest request, Path ramFile, Path stateFile) {
            throw new AssertionError("no template was built");
        }
    }

    private GuestRequest request() throws Exception {
        Path run = Files.createDirectories(dir.resolve("state/aaaaaaaaaaaa"));
        return new GuestRequest("aaaaaaaaaaaa", Sandbox.builder().toSpec(), run,
                List.of(new GuestShare(dir, "kataShared", true, false)), java.util.Optional.empty());
    }

    @Test
    void aFailedBuildIsNotTriedAgainAndItsReasonIsKeptAsOneLine() throws Exception {
        Untemplatable launcher = new Untemplatable();
        for (int i = 0; i < 3; i++) {
            Templates.launch(request(), launcher, (g, r) -> { }, "bbbbbbbbbbbb");
        }
        assertThat(launcher.builds).as("builds tried").hasValue(1);
        assertThat(launcher.cold).as("cold boots").hasValue(3);
        Path kind = launcher.cache.root().resolve(Templates.KIND);
        try (var files = Files.list(kind)) {
            List<Path> markers = files.filter(p -> p.getFileName().toString().endsWith(".failed")).toList();
            assertThat(markers).hasSize(1);
            assertThat(Files.readString(markers.get(0))).contains("never let its host session go").doesNotContain("\n", "\u001b");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(markers.get(0)))).isEqualTo("rw-------");
        }
        try (var files = Files.list(kind)) {
            assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
        }
    }

    @Test
    void aFailureIsRememberedForADayThenTriedAgain() throws Exception {
        Path kind = Files.createDirectories(dir.resolve("templates"));
        Instant now = Instant.parse("2026-12-07T12:00:00Z");
        BuildFailures failures = new BuildFailures(kind, Clock.fixed(now, ZoneOffset.UTC));
        failures.remember("d1", "timed out");
        assertThat(failures.recall("d1")).contains("timed out");
        Files.setLastModifiedTime(failures.marker("d1"), FileTime.from(now.minus(BuildFailures.REMEMBERED).minus(Duration.ofMinutes(1))));
        assertThat(failures.recall("d1")).isEmpty();
        failures.remember("d1", "again");
        failures.forget("d1");
        assertThat(failures.recall("d1")).isEmpty();
        assertThat(failures.marker("d1")).doesNotExist();
    }

    @Test
    void aSymlinkInPlaceOfTheRecordIsNotFollowed() throws Exception {
        Path kind = Files.createDirectories(dir.resolve("templates"));
        Path elsewhere = Files.writeString(dir.resolve("secret"), "not a reason");
        BuildFailures failures = new BuildFailures(kind, Clock.systemUTC());
        Files.createSymbolicLink(failures.marker("d2"), elsewhere);
        assertThat(failures.recall("d2")).isEmpty();
    }

    /** A launcher with a whole template in its cache whose clones fail with {@code failure}. */
    private Untemplatable withTemplate(java.util.function.Supplier<RuntimeException> failure) throws Exception {
        Untemplatable launcher = new Untemplatable() {
            @Override
            public Guest launchClone(GuestRequest request, Path ramFile, Path stateFile) {
                throw failure.get();
            }
        };
        String digest = dev.jkata.guestimage.cache.Digest.start(Templates.KIND).add("key", "one configuration").hex();
        Path t = Files.createDirectories(launcher.cache.root().resolve(Templates.KIND).resolve(digest));
        try (java.io.RandomAccessFile ram = new java.io.RandomAccessFile(t.resolve(Template.RAM).toFile(), "rw")) {
            ram.setLength(Sandbox.builder().toSpec().memory().toBytes()); // sparse
        }
        Files.writeString(t.resolve(Template.STATE), "device state");
        Template.writeMeta(t, "one configuration");
        templateDir = t;
        return launcher;
    }

    private Path templateDir;

    @Test
    void aCloneThatTimesOutOnALoadedHostBootsColdAndKeepsTheTemplate() throws Exception {
        Untemplatable launcher = withTemplate(() -> new dev.jkata.api.KataTimeoutException("the restore", Duration.ofSeconds(30)));
        Templates.launch(request(), launcher, (g, r) -> { }, "bbbbbbbbbbbb");
        assertThat(launcher.cold).hasValue(1);
        assertThat(templateDir).as("N-M3: the template every JVM clones from").isDirectory();
        assertThat(launcher.builds).hasValue(0);
    }

    @Test
    void aCancelledStartIsNotBootedColdAndKeepsTheTemplate() throws Exception {
        Untemplatable launcher = withTemplate(() -> {
            Thread.currentThread().interrupt();
            return new dev.jkata.api.KataException(dev.jkata.api.KataErrorReason.HYPERVISOR_FAILED, "interrupted: the restore");
        });
        try {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> Templates.launch(request(), launcher, (g, r) -> { },
                    "bbbbbbbbbbbb")).hasMessageContaining("interrupted");
        } finally {
            Thread.interrupted();
        }
        assertThat(launcher.cold).hasValue(0);
        assertThat(templateDir).isDirectory();
    }

    @Test
    void aTemplateTheHypervisorRejectsIsRemovedAndTheStartBootsCold() throws Exception {
        Untemplatable launcher = withTemplate(() -> new TemplateRejectedException("QEMU's migration failed", null));
        Templates.launch(request(), launcher, (g, r) -> { }, "bbbbbbbbbbbb");
        assertThat(launcher.cold).hasValue(1);
        assertThat(templateDir).doesNotExist();
    }
}
