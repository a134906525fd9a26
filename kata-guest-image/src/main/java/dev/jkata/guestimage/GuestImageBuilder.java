package dev.jkata.guestimage;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.guestimage.cache.CacheDirectory;
import dev.jkata.guestimage.cache.Digest;
import dev.jkata.guestimage.host.Command;
import dev.jkata.guestimage.host.HostTools;
import dev.jkata.guestimage.kernel.DebianKernelFetcher;
import dev.jkata.guestimage.kernel.GuestKernel;
import dev.jkata.guestimage.kernel.KernelModules;
import dev.jkata.guestimage.progress.Progress;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kata's osbuilder, in Java: assembles a guest root file system (busybox, the kernel's drivers, crun with its
 * libraries, a jlink'ed Java runtime, the agent, an init) and writes it in one of the two
 * {@linkplain ImageForm forms}. Outputs are content-addressed in the {@link CacheDirectory}: the same inputs
 * are never rebuilt, and any change to an input builds a new image.
 *
 * <pre>{@code
 * GuestImage img = GuestImageBuilder.create().form(ImageForm.NVDIMM).build();
 * }</pre>
 */
public final class GuestImageBuilder {
    /** The host's C.UTF-8 locale, copied into the image when the host has it (Debian 12's libc-bin does). */
    private static final Path UTF8_LOCALE = Path.of("/usr/lib/locale/C.utf8");

    private static final Logger LOG = LoggerFactory.getLogger(GuestImageBuilder.class);
    /** Bumped whenever the layout of images changes, so old cache entries are not reused. */
    private static final int LAYOUT = 3;
    private static final String AGENT_RESOURCE = "kata-agent.jar";
    /** The drivers the nvdimm boot stage needs before it can mount the root file system. */
    private static final List<String> NVDIMM_STAGE_DRIVERS = List.of("nfit", "nd_pmem", "ext4");
    /**
     * Serial console, fast boot on TCG (no timer checks or crypto self-tests), reboot means power off, and an NMI from
     * the host panics the guest (the host's way to crash a wedged guest, as {@code virsh inject-nmi}).
     */
    static final String BASE_CMDLINE = "console=ttyS0 panic=-1 quiet loglevel=4 no_timer_check tsc=reliable "
            + "cryptomgr.notests i8042.noaux i8042.nomux i8042.nopnp i8042.dumbkbd random.trust_cpu=on unknown_nmi_panic";

    private GuestKernel kernel;
    private ImageForm form = ImageForm.INITRD;
    private boolean gzip;
    private CacheDirectory cache = CacheDirectory.defaultLocation();
    private Progress progress = Progress.logging();
    private Path agentJar;
    private Path jdk;

    private GuestImageBuilder() {}

    public static GuestImageBuilder create() {
        return new GuestImageBuilder();
    }

    /** The guest kernel; by default Debian's stock kernel, fetched into the cache on first use. */
    public GuestImageBuilder kernel(GuestKernel k) {
        this.kernel = Objects.requireNonNull(k, "kernel");
        return this;
    }

    public GuestImageBuilder form(ImageForm f) {
        this.form = Objects.requireNonNull(f, "form");
        return this;
    }

    /**
     * Whether the initramfs is gzip'ed. Off by default: measured under TCG here, an uncompressed initrd
     * boots as fast as a compressed one (the kernel's gunzip costs what reading the larger file saves).
     */
    public GuestImageBuilder gzip(boolean on) {
        this.gzip = on;
        return this;
    }

    public GuestImageBuilder cache(CacheDirectory c) {
        this.cache = Objects.requireNonNull(c, "cache");
        return this;
    }

    public GuestImageBuilder progress(Progress p) {
        this.progress = Objects.requireNonNull(p, "progress");
        return this;
    }

    /** The agent jar to put in the guest; by default the one embedded in kata-guest-image. */
    public GuestImageBuilder agentJar(Path jar) {
        this.agentJar = Objects.requireNonNull(jar, "agentJar");
        return this;
    }

    /** The JDK whose jlink makes the guest runtime; by default the running JVM's. */
    public GuestImageBuilder jdk(Path home) {
        this.jdk = Objects.requireNonNull(home, "jdk");
        return this;
    }

    /**
     * Images this JVM already found, by the inputs' paths, sizes and modification times: hashing every input
     * again (about 2 s) on each sandbox start is what this saves. A changed input changes its stat and misses.
     */
    private static final java.util.concurrent.ConcurrentHashMap<String, GuestImage> SEEN = new java.util.concurrent.ConcurrentHashMap<>();

    /** Builds the image, or returns the cached one built from the same inputs. */
    public GuestImage build() {
        Path busybox = HostTools.BUSYBOX.require();
        Path crun = HostTools.CRUN.require();
        String statKey = statKey(busybox, crun);
        GuestImage seen = SEEN.get(statKey);
        if (seen != null && Files.exists(seen.initrd()) && seen.rootfsImage().map(Files::exists).orElse(true)) {
            return seen;
        }
        GuestImage built = buildOrFind(busybox, crun);
        SEEN.put(statKey, built);
        return built;
    }

    private String statKey(Path busybox, Path crun) {
        StringBuilder k = new StringBuilder().append(form).append('|').append(gzip).append('|').append(cache.root())
                .append('|').append(jdk != null ? jdk : JavaRuntime.jdkHome());
        for (Path p : new Path[] {busybox, crun, agentJar, kernel == null ? null : kernel.vmlinuz(),
                kernel == null ? null : kernel.modulesDir().orElse(null)}) {
            k.append('|').append(p);
            if (p != null) {
                try {
                    k.append(':').append(Files.size(p)).append(':').append(Files.getLastModifiedTime(p).toMillis());
                } catch (IOException e) {
                    k.append(":?");
                }
            }
        }
        return k.toString();
    }

    private GuestImage buildOrFind(Path busybox, Path crun) {
        if (form == ImageForm.NVDIMM) {
            HostTools.MKFS_EXT4.require();
        }
        GuestKernel k = kernel != null ? kernel : new DebianKernelFetcher(cache, progress).fetch();
        List<String> allModules = List.of();
        List<String> stageModules = List.of();
        if (k.modulesDir().isPresent()) {
            KernelModules km = KernelModules.read(k.modulesDir().get());
            allModules = km.loadOrder(GuestKernel.GUEST_DRIVERS, GuestKernel.OPTIONAL_DRIVERS);
            stageModules = km.loadOrder(NVDIMM_STAGE_DRIVERS);
        }
        Path runtime = JavaRuntime.build(cache, jdk != null ? jdk : JavaRuntime.jdkHome(), progress);
        Path agent = agentJar != null ? agentJar : embeddedAgent();

        Digest d = Digest.start("image").add("layout", Integer.toString(LAYOUT)).add("form", form.name())
                .add("gzip", Boolean.toString(gzip)).add("runtime", runtime.toString())
                .addFile("busybox", busybox).addFile("crun", crun).addFile("agent", agent)
                .add("init", resourceText("init.sh")).add("nvdimm-init", resourceText("nvdimm-init.sh"));
        for (String m : allModules) {
            d.add("module", m).addFile(m, k.modulesDir().get().resolve(m));
        }
        if (Files.isRegularFile(UTF8_LOCALE.resolve("LC_CTYPE"))) {
            d.addFile("locale", UTF8_LOCALE.resolve("LC_CTYPE"));
        }
        String key = d.hex();
        List<String> mods = allModules;
        List<String> stage = stageModules;
        Path entry = cache.getOrBuild("images", key, into -> {
            try (Progress.Step s = progress.step("Building the " + form.name().toLowerCase() + " guest image")) {
                writeImage(into, k, mods, stage, busybox, crun, runtime, agent);
            }
        });
        return describe(entry, k, runtime);
    }

    private void writeImage(Path into, GuestKernel k, List<String> mods, List<String> stageMods, Path busybox,
                            Path crun, Path runtime, Path agent) throws IOException {
        Path stageDir = into.resolve("rootfs.d");
        RootfsStager rootfs = new RootfsStager(stageDir).skeleton().busybox(busybox)
                .program(crun, "usr/bin/crun")
                .javaRuntime(runtime, "opt/kata/jre")
                .file(agent, "opt/kata/agent/kata-agent.jar")
                .resource("init.sh", "sbin/init.kata", true)
                .link("init", "sbin/init.kata");
        // glibc's C.UTF-8 locale (libc-bin's), so that the agent's JVM takes file names and arguments as UTF-8
        if (Files.isDirectory(UTF8_LOCALE)) {
            try (java.util.stream.Stream<Path> files = Files.walk(UTF8_LOCALE)) {
                for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                    rootfs.file(f, "usr/lib/locale/C.utf8/" + UTF8_LOCALE.relativize(f));
                }
            }
        }
        Files.delete(stageDir.resolve("bin/init"));
        rootfs.link("bin/init", "../sbin/init.kata");
        if (k.modulesDir().isPresent()) {
            rootfs.modules(k.modulesDir().get(), k.version(), mods);
        } else {
            rootfs.modules(Path.of("/nonexistent"), k.version(), List.of());
        }
        long runtimeBytes = sizeOf(runtime);
        Properties manifest = new Properties();
        manifest.setProperty("runtimeBytes", Long.toString(runtimeBytes));
        manifest.setProperty("rootfsContentBytes", Long.toString(rootfs.bytes()));
        if (form == ImageForm.INITRD) {
            try (Progress.Step s = progress.step("Writing the initrd")) {
                CpioWriter.write(stageDir, into.resolve("initrd.img"), gzip);
            }
        } else {
            try (Progress.Step s = progress.step("Writing the ext4 root file system image")) {
                writeExt4(stageDir, into.resolve("rootfs.img"), rootfs.bytes());
            }
            Path stage2 = into.resolve("stage.d");
            RootfsStager small = new RootfsStager(stage2).skeleton().busybox(busybox)
                    .resource("nvdimm-init.sh", "init", true);
            if (k.modulesDir().isPresent()) {
                small.modules(k.modulesDir().get(), k.version(), stageMods);
            } else {
                small.modules(Path.of("/nonexistent"), k.version(), List.of());
            }
            CpioWriter.write(stage2, into.resolve("initrd.img"), gzip);
            CacheDirectory.deleteTree(stage2);
        }
        CacheDirectory.deleteTree(stageDir);
        try (var out = Files.newOutputStream(into.resolve("image.properties"))) {
            manifest.store(out, "jkata guest image");
        }
    }

    /** mkfs.ext4 -d writes the tree into a fresh image with no loop mount; the size leaves room for metadata. */
    private static void writeExt4(Path tree, Path image, long contentBytes) {
        long mib = (contentBytes * 13 / 10) / (1 << 20) + 48;
        mib = (mib + 1) & ~1L; // a multiple of 2 MiB, as an NVDIMM region wants
        Command.of("mkfs.ext4", "-q", "-F", "-d", tree.toString(), "-L", "kata-rootfs", "-b", "4096",
                        "-O", "^has_journal", "-E", "root_owner=0:0", "-m", "0", image.toString(), mib + "M")
                .timeout(Duration.ofMinutes(10)).run().orThrow(KataErrorReason.IMAGE_BUILD_FAILED);
    }

    private GuestImage describe(Path entry, GuestKernel k, Path runtime) {
        Path initrd = entry.resolve("initrd.img");
        Optional<Path> rootfs = form == ImageForm.NVDIMM ? Optional.of(entry.resolve("rootfs.img")) : Optional.empty();
        String cmdline = BASE_CMDLINE + (form == ImageForm.NVDIMM ? "" : " rdinit=/init");
        try {
            GuestImage img = new GuestImage(form, k, initrd, rootfs, cmdline, Files.size(initrd),
                    rootfs.isPresent() ? Files.size(rootfs.get()) : 0, sizeOf(runtime));
            LOG.debug("Guest image {}: initrd {} bytes, rootfs {} bytes, runtime {} bytes", entry,
                    img.initrdBytes(), img.rootfsBytes(), img.runtimeBytes());
            return img;
        } catch (IOException e) {
            throw new KataException(KataErrorReason.UNREADABLE_PATH, "broken image cache entry " + entry
                    + "; delete it and build again", e);
        }
    }

    private Path embeddedAgent() {
        return embeddedAgent(cache);
    }

    /** The agent jar this build embeds, in the cache once per content (named by its bytes alone). */
    static Path embeddedAgent(CacheDirectory cache) {
        try (InputStream in = GuestImageBuilder.class.getResourceAsStream(AGENT_RESOURCE)) {
            if (in == null) {
                throw new KataException(KataErrorReason.IMAGE_BUILD_FAILED, "the kata-agent jar is not embedded in this"
                        + " kata-guest-image build; build the project with 'mvn package', or pass agentJar(path)");
            }
            byte[] bytes = in.readAllBytes();
            String key = Digest.start("agent").addBytes("jar", bytes).hex();
            return cache.getOrBuild("agents", key, into -> Files.write(into.resolve("kata-agent.jar"), bytes))
                    .resolve("kata-agent.jar");
        } catch (IOException e) {
            throw new KataException(KataErrorReason.IO, "cannot extract the embedded agent: " + e.getMessage(), e);
        }
    }

    private static String resourceText(String name) {
        try (InputStream in = Objects.requireNonNull(GuestImageBuilder.class.getResourceAsStream(name), name)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new KataException(KataErrorReason.IO, "cannot read resource " + name, e);
        }
    }

    private static long sizeOf(Path dir) throws IOException {
        try (var s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
        }
    }
}
