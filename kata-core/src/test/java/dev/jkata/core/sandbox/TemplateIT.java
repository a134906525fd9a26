package dev.jkata.core.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.api.ExecResult;
import dev.jkata.api.MemorySize;
import dev.jkata.api.Sandbox;
import dev.jkata.guestimage.cache.CacheDirectory;
import dev.jkata.core.template.Template;
import dev.jkata.core.template.Templates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13: sandboxes cloned from their configuration's VM template. Each test uses a memory size of its own, so
 * that its template is its alone: the first start builds it, the later ones are clones.
 */
class TemplateIT {
    @TempDir
    Path stateRoot;
    @TempDir
    Path share;

    private Sandbox start(int mib) {
        return start(mib, "kata");
    }

    private Sandbox start(int mib, String hostname) {
        return Sandbox.builder().memory(MemorySize.ofMiB(mib)).stateRoot(stateRoot)
                .container(dev.jkata.api.ContainerSpec.builder().hostname(hostname).build()).start();
    }

    @Test
    void twoClonesOfOneTemplateAreSeparateMachinesWithTheirOwnClockNameAndRandomness() throws Exception {
        String first;
        try (Sandbox sb = start(520)) {
            first = sb.id();
            assertThat(sb.run("true").exitCode()).isZero();
        }
        Leaks.assertNoneLeft(stateRoot, first);
        assertThat(templatesOf(520)).isNotEmpty();

        CompletableFuture<Sandbox> a = CompletableFuture.supplyAsync(() -> start(520, "alpha"));
        CompletableFuture<Sandbox> b = CompletableFuture.supplyAsync(() -> start(520, "beta"));
        String idA;
        String idB;
        try (Sandbox sa = a.join(); Sandbox sb = b.join()) {
            idA = sa.id();
            idB = sb.id();
            assertThat(((AgentSandbox) sa).cloned()).as("the second start of a configuration is a clone").isTrue();
            assertThat(((AgentSandbox) sb).cloned()).isTrue();
            System.out.printf("[template] clones started in %d and %d ms (from their QEMU's launch)%n",
                    sa.bootTime().toMillis(), sb.bootTime().toMillis());

            assertThat(sa.run("sh", "-c", "echo A > /tmp/mark").exitCode()).isZero();
            assertThat(sb.run("sh", "-c", "cat /tmp/mark 2>/dev/null || echo absent").stdout()).isEqualTo("absent\n");

            // the template's agent ran a sandbox named "template": each clone is named by its own CreateSandbox
            assertThat(sa.run("hostname").stdout().strip()).isEqualTo("alpha");
            assertThat(sb.run("hostname").stdout().strip()).isEqualTo("beta");

            for (Sandbox s : List.of(sa, sb)) {
                long guest = Long.parseLong(s.run("date", "+%s").stdout().strip());
                assertThat(guest).as("the clone's clock").isBetween(System.currentTimeMillis() / 1000 - 2,
                        System.currentTimeMillis() / 1000 + 1);
            }
            String bytesA = sa.run("sh", "-c", "head -c 32 /dev/urandom | od -An -tx1").stdout();
            String bytesB = sb.run("sh", "-c", "head -c 32 /dev/urandom | od -An -tx1").stdout();
            assertThat(bytesA).hasSizeGreaterThan(60).isNotEqualTo(bytesB);
            // N-L16: each clone is a machine of its own to anything that asks its boot id, so an equal boot id is
            // proof of one VM (the pod tests use it so)
            String bootA = sa.run("cat", "/proc/sys/kernel/random/boot_id").stdout().strip();
            String bootB = sb.run("cat", "/proc/sys/kernel/random/boot_id").stdout().strip();
            assertThat(bootA).hasSize(36).isNotEqualTo(bootB);
        }
        Leaks.assertNoneLeft(stateRoot, idA);
        Leaks.assertNoneLeft(stateRoot, idB);
    }

    @Test
    void aCloneMountsASharedDirectoryAndRunsASecondContainer() throws Exception {
        Files.writeString(share.resolve("in.txt"), "from the host\n");
        String id;
        for (int round = 0; round < 2; round++) {
            try (Sandbox sb = Sandbox.builder().memory(MemorySize.ofMiB(536)).stateRoot(stateRoot)
                    .share(share, "/data", false).start()) {
                id = sb.id();
                if (round == 1) {
                    assertThat(((AgentSandbox) sb).cloned()).as("the second start is a clone").isTrue();
                }
                assertThat(sb.run("cat", "/data/in.txt").stdout()).isEqualTo("from the host\n");
                assertThat(sb.run("sh", "-c", "echo round" + " > /data/out.txt").exitCode()).isZero();
                var second = sb.createContainer(dev.jkata.api.ContainerSpec.defaults());
                ExecResult r = second.run(dev.jkata.api.ExecSpec.builder("sh", "-c", "cat /data/in.txt; echo second").build());
                assertThat(r.stdout()).isEqualTo("from the host\nsecond\n");
            }
            Leaks.assertNoneLeft(stateRoot, id);
            assertThat(Files.readString(share.resolve("out.txt"))).isEqualTo("round\n");
        }
    }

    @Test
    void aDamagedTemplateIsRebuiltAndANvdimmGuestClones() throws Exception {
        try (Sandbox sb = Sandbox.builder().nvdimm().memory(MemorySize.ofMiB(552)).stateRoot(stateRoot).start()) {
            assertThat(sb.run("true").exitCode()).isZero();
        }
        // the newest template of this size is the one just used (a cache may hold older ones, of an older image)
        Path template = templatesOf(552).get(0);
        Path state = template.resolve("state");
        byte[] bytes = Files.readAllBytes(state);
        Files.write(state, java.util.Arrays.copyOf(bytes, bytes.length / 2)); // truncated

        try (Sandbox sb = Sandbox.builder().nvdimm().memory(MemorySize.ofMiB(552)).stateRoot(stateRoot).start()) {
            assertThat(((AgentSandbox) sb).cloned()).as("a clone of the rebuilt template").isTrue();
            assertThat(((AgentSandbox) sb).describeGuest()).startsWith("nvdimm");
            assertThat(sb.run("echo", "nvdimm clone").stdout()).isEqualTo("nvdimm clone\n");
            // a clone that frees memory must not give it back through the template's file (QEMU 7.2 punched holes in it)
            assertThat(sb.run("sh", "-c", "head -c 100000000 /dev/zero > /tmp/x; rm /tmp/x; sleep 4").exitCode()).isZero();
        }
        assertThat(Template.open(template, MemorySize.ofMiB(552).toBytes())).as("rebuilt in place, and left as built by"
                + " its clone").isPresent();
    }

    /** The templates in the cache whose RAM is {@code mib} MiB, the most recently written first. */
    private static List<Path> templatesOf(int mib) throws Exception {
        Path dir = CacheDirectory.defaultLocation().root().resolve(Templates.KIND);
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> !p.getFileName().toString().startsWith("."))
                    .filter(p -> {
                        try {
                            return Files.isRegularFile(p.resolve("ram")) && Files.size(p.resolve("ram")) == ((long) mib << 20);
                        } catch (java.io.IOException e) {
                            return false;
                        }
                    }).sorted(java.util.Comparator.comparing((Path p) -> p.resolve("state").toFile().lastModified()).reversed())
                    .toList();
        }
    }
}
