package dev.jkata.core.template;

import dev.jkata.api.SandboxSpec;
import dev.jkata.guestimage.cache.Digest;
import dev.jkata.core.guest.Guest;
import dev.jkata.core.guest.GuestLauncher;
import dev.jkata.core.guest.GuestDisk;
import dev.jkata.core.netns.ScratchNamespace;
import dev.jkata.core.guest.GuestRequest;
import dev.jkata.core.guest.GuestShare;
import dev.jkata.core.guest.GuestTemplating;
import dev.jkata.core.state.StateDirectory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts guests from VM templates. The first start of a configuration builds its template (a cold boot, the
 * agent warmed, the state saved: a little more than one cold start), every later one clones it. A template that
 * cannot be built or restored never fails a start: the guest then boots cold, said at WARN with the reason, and a
 * template that failed to restore is removed, so the next start builds it again. A build that failed is remembered
 * for a day ({@link BuildFailures}): the configuration's later starts boot cold at once.
 */
public final class Templates {
    private static final Logger LOG = LoggerFactory.getLogger(Templates.class);
    /** The system property that turns templates off for every sandbox of the JVM: {@code -Dkata.templates=false}. */
    public static final String PROPERTY = "kata.templates";
    /** The cache directory the templates live in. */
    public static final String KIND = "templates";

    /** Brings a template's agent to the state it is saved in: warmed, no sandbox, no host session. */
    @FunctionalInterface
    public interface Warmup {
        void warm(Guest template, GuestRequest request);
    }

    private Templates() {
    }

    /** Whether {@code spec}'s sandbox starts from a template: asked for (the default), and not turned off by {@value #PROPERTY}. */
    public static boolean enabled(SandboxSpec spec) {
        return spec.template() && !"false".equalsIgnoreCase(System.getProperty(PROPERTY, "true").trim());
    }

    /**
     * Launches {@code request}'s guest from its configuration's template, building the template first when there
     * is none; a launcher without templates launches cold.
     *
     * @param builderId the sandbox id the template's own VM gets (12 hex digits) if one is built
     */
    public static Guest launch(GuestRequest request, GuestLauncher launcher, Warmup warmup, String builderId) {
        Optional<GuestTemplating> templating = launcher.templating();
        if (templating.isEmpty()) {
            return launcher.launch(request);
        }
        GuestTemplating t = templating.get();
        String keyText = t.templateKey(request);
        String digest = Digest.start(KIND).add("key", keyText).hex();
        Path dir = t.cache().root().resolve(KIND).resolve(digest);
        long ram = request.spec().memory().toBytes();
        Optional<Template> found = Template.open(dir, ram);
        if (found.isEmpty()) {
            BuildFailures failures = new BuildFailures(dir.getParent(), Clock.systemUTC());
            Optional<String> failedBefore = failures.recall(digest);
            if (failedBefore.isPresent()) {
                failures.warnOnce(digest, failedBefore.get());
                return launcher.launch(request);
            }
            try {
                found = Optional.of(build(request, launcher, t, warmup, keyText, digest, builderId));
                failures.forget(digest);
            } catch (RuntimeException e) {
                LOG.warn("Cannot build a VM template for this configuration, booting cold (and so will its next starts"
                        + " for {} h, without trying again): {}", BuildFailures.REMEMBERED.toHours(), e.getMessage());
                LOG.debug("template build failure", e);
                failures.remember(digest, String.valueOf(e.getMessage()));
                return launcher.launch(request);
            }
        }
        Template template = found.get();
        try {
            Guest g = t.launchClone(request, template.ram(), template.state());
            LOG.debug("Sandbox {} cloned from template {}", request.sandboxId(), digest);
            return g;
        } catch (TemplateRejectedException e) {
            LOG.warn("The VM template {} did not restore ({}); removing it and booting cold (the next start builds it"
                    + " again)", digest, e.getMessage());
            template.delete();
            return launcher.launch(request);
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted()) {
                throw e; // a cancelled start: nothing to boot, and the template is not at fault
            }
            LOG.warn("A clone of VM template {} did not start ({}); booting cold, the template is kept", digest,
                    e.getMessage());
            return launcher.launch(request);
        }
    }

    private static Template build(GuestRequest request, GuestLauncher launcher, GuestTemplating t, Warmup warmup,
                                  String keyText, String digest, String builderId) {
        long t0 = System.nanoTime();
        LOG.info("Building the VM template of this configuration, once (later sandboxes of it are cloned from it):"
                + " booting a guest and warming its agent");
        Path stateRoot = request.runDir().toAbsolutePath().getParent();
        Path published = t.cache().getOrBuild(KIND, digest, into -> {
            Files.setPosixFilePermissions(into, PosixFilePermissions.fromString("rwx------"));
            Path ram = Files.createFile(into.resolve(Template.RAM),
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Path empty = Files.createDirectory(into.resolve("empty"));
            // a disk of the same size (the guest probes it at boot) that the warm-up never mounts: the clones' own
            // files take its place behind the device
            Optional<GuestDisk> disk = request.disk().map(d -> templateDisk(into.resolve("disk"), d));
            // NICs like the sandbox's, on taps of a namespace of the template's own
            try (StateDirectory state = StateDirectory.create(stateRoot, builderId);
                 ScratchNamespace taps = request.nics().isEmpty() ? null
                         : ScratchNamespace.create(builderId, request.nics().size(), state.path())) {
                GuestRequest tr = new GuestRequest(builderId, request.spec(), state.path(),
                        templateShares(request.shares(), launcher.defaultRootfs(), empty), disk,
                        taps == null ? List.of() : taps.nics());
                Guest g = t.launchTemplate(tr, ram);
                try {
                    warmup.warm(g, tr);
                    g.saveTemplate(into.resolve(Template.STATE));
                } finally {
                    g.stop(Duration.ZERO);
                }
            }
            Files.delete(empty);
            if (disk.isPresent()) {
                Files.delete(disk.get().file());
            }
            Template.writeMeta(into, keyText);
        });
        Template built = Template.open(published, request.spec().memory().toBytes())
                .orElseThrow(() -> new IllegalStateException("the template just built at " + published + " is not whole"));
        LOG.info("Built the VM template {} in {} ms ({} KiB of device state beside the guest's {} MiB of RAM)",
                built.digest(), (System.nanoTime() - t0) / 1_000_000, built.stateBytes() / 1024, built.ramBytes() >> 20);
        return built;
    }

    /** An empty sparse file of {@code like}'s size at {@code file}. */
    private static GuestDisk templateDisk(Path file, GuestDisk like) {
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            f.setLength(like.size().toBytes());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("cannot make the template's disk " + file, e);
        }
        return new GuestDisk(file, like.size());
    }

    /**
     * The template's shares: the same tags and modes as the sandbox's (the devices are part of what is saved), the
     * default root file system in place of the container's (the warm-up runs a container in it), empty directories in
     * place of the rest. All are unmounted before the save.
     */
    static List<GuestShare> templateShares(List<GuestShare> shares, Path defaultRootfs, Path empty) {
        List<GuestShare> out = new ArrayList<>();
        for (int i = 0; i < shares.size(); i++) {
            GuestShare s = shares.get(i);
            out.add(new GuestShare(i == 0 ? defaultRootfs : empty, s.tag(), s.readOnly(), s.mappedOwners()));
        }
        return out;
    }
}
