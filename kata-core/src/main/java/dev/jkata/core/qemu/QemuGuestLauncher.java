package dev.jkata.core.qemu;

import dev.jkata.core.template.TemplateRejectedException;
import dev.jkata.qemu.migration.DeviceStateException;
import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.api.MemorySize;
import dev.jkata.api.SandboxSpec;
import dev.jkata.guestimage.cache.CacheDirectory;
import dev.jkata.core.guest.Guest;
import dev.jkata.core.guest.GuestLauncher;
import dev.jkata.core.guest.GuestRequest;
import dev.jkata.core.guest.GuestNic;
import dev.jkata.core.guest.GuestShare;
import dev.jkata.core.guest.GuestTemplating;
import dev.jkata.guestimage.BusyboxRootfs;
import dev.jkata.guestimage.GuestImage;
import dev.jkata.guestimage.GuestImageBuilder;
import dev.jkata.guestimage.ImageForm;
import dev.jkata.guestimage.kernel.GuestKernel;
import dev.jkata.guestimage.progress.Progress;
import dev.jkata.qemu.QemuBinary;
import dev.jkata.qemu.QemuHypervisor;
import dev.jkata.qemu.QemuLeftovers;
import dev.jkata.qemu.QemuVm;
import dev.jkata.qemu.config.RamFile;
import dev.jkata.qemu.device.VirtioRng;
import dev.jkata.qemu.migration.DeviceState;
import java.time.Duration;
import dev.jkata.qemu.config.QemuConfig;
import dev.jkata.qemu.device.NinePShare;
import dev.jkata.qemu.device.Nvdimm;
import dev.jkata.agent.protocol.forward.ForwardRequest;
import dev.jkata.qemu.device.TapNetwork;
import dev.jkata.qemu.device.UserNetwork;
import dev.jkata.qemu.device.VirtioBalloon;
import dev.jkata.qemu.device.VirtioBlk;
import dev.jkata.qemu.device.VirtioSerialPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Boots each guest as a QEMU VM from the guest image (built on first use into the cache). The agent socket is
 * QEMU's end of the virtio-serial port {@code agent.channel.0}; each share is a virtio-9p device. kata-qemu's
 * failures reach the caller as {@link KataException}s ({@link QemuErrors}).
 */
public final class QemuGuestLauncher implements GuestLauncher {
    /** The forwarding port's socket in the run directory (short: a UNIX socket path has 107 bytes). */
    static final String FORWARD_SOCKET = "fwd.sock";
    private final CacheDirectory cache;
    private final Progress progress;

    /** Images and the default root file system in the default cache, progress of long steps logged. */
    public QemuGuestLauncher() {
        this(CacheDirectory.defaultLocation(), Progress.logging());
    }

    public QemuGuestLauncher(CacheDirectory cache, Progress progress) {
        this.cache = cache;
        this.progress = progress;
    }

    /** The built-in busybox root file system. */
    @Override
    public Path defaultRootfs() {
        return BusyboxRootfs.get(cache, progress);
    }

    @Override
    public Guest launch(GuestRequest request) {
        return QemuErrors.call(() -> {
            Prepared p = prepare(request, true);
            long launchedAt = System.nanoTime();
            return p.guest(QemuHypervisor.create().launch(p.config.build()), request, launchedAt, false);
        });
    }

    /** Kills the QEMU an abandoned sandbox left running, when the directory's pid file names it exactly. */
    @Override
    public void reapAbandoned(Path runDir) {
        QemuLeftovers.killAbandoned(runDir);
    }

    /** The cache's {@code disks/}: beside the images, on a disk (a state directory under /run is RAM). */
    @Override
    public Optional<Path> diskDirectory() {
        return Optional.of(cache.root().resolve("disks"));
    }

    @Override
    public Optional<GuestTemplating> templating() {
        return Optional.of(templating);
    }

    private final GuestTemplating templating = new GuestTemplating() {
        @Override
        public CacheDirectory cache() {
            return cache;
        }

        @Override
        public String templateKey(GuestRequest request) {
            return QemuErrors.call(() -> {
                Prepared p = prepare(request, false);
                QemuHypervisor hv = QemuHypervisor.create();
                QemuConfig cfg = p.config.build();
                return TemplateKeys.of(cfg, hv.acceleratorProbe().resolve(cfg.accelerator()).accelerator(),
                        request.runDir(), QemuBinary.locate().path());
            });
        }

        @Override
        public Guest launchTemplate(GuestRequest request, Path ramFile) {
            return QemuErrors.call(() -> {
                Prepared p = prepare(request, false);
                long launchedAt = System.nanoTime();
                return p.guest(QemuHypervisor.create().launch(p.config.ramFile(RamFile.template(ramFile)).build()),
                        request, launchedAt, false);
            });
        }

        @Override
        public Guest launchClone(GuestRequest request, Path ramFile, Path stateFile) {
            return QemuErrors.call(() -> {
                Prepared p = prepare(request, false);
                long launchedAt = System.nanoTime();
                QemuVm vm = QemuHypervisor.create().launch(
                        p.config.ramFile(RamFile.clone(ramFile)).incoming(true).build());
                try {
                    DeviceState.load(vm, stateFile, RESTORE_DEADLINE);
                } catch (RuntimeException e) {
                    try {
                        vm.stop(Duration.ZERO);
                    } catch (RuntimeException stop) {
                        e.addSuppressed(stop);
                    }
                    if (e instanceof DeviceStateException d && d.kind() == DeviceStateException.Kind.REJECTED) {
                        // the template's own fault: said so, so that it is built again (any other failure keeps it)
                        throw new TemplateRejectedException("QEMU rejected the template's saved state: " + d.getMessage(), d);
                    }
                    throw e;
                }
                return p.guest(vm, request, launchedAt, true);
            });
        }
    };

    /** The device state of our guests loads in well under a second; this bounds a broken or hostile one. */
    private static final Duration RESTORE_DEADLINE = Duration.ofSeconds(30);

    /** A request's QEMU config, all but how its RAM is held, and what its guest object needs. */
    private final class Prepared {
        final QemuConfig.Builder config;
        final GuestImage image;
        final Path forward;
        final String mac;

        Prepared(QemuConfig.Builder config, GuestImage image, Path forward, String mac) {
            this.config = config;
            this.image = image;
            this.forward = forward;
            this.mac = mac;
        }

        QemuGuest guest(QemuVm vm, GuestRequest request, long launchedAt, boolean cloned) {
            String form = image.form() == ImageForm.NVDIMM ? "nvdimm" : "initrd";
            return new QemuGuest(vm, request.sandboxId(), launchedAt, cloned ? form + ", cloned from its template" : form,
                    cache, forward, mac, cloned, request.disk().isPresent());
        }
    }

    /**
     * @param reportFreePages whether the balloon gives RAM the guest frees back to the host. Never for a template or
     *                        its clones: QEMU 7.2 discards a reported page of a private file mapping by punching a
     *                        hole in the file, which is the template's RAM every later clone restores (seen here: a
     *                        clone that freed 100 MB changed the template's RAM file)
     */
    private Prepared prepare(GuestRequest request, boolean reportFreePages) {
        SandboxSpec spec = request.spec();
        GuestImage image = image(spec);
        requireRoomFor(image, spec.memory());
        QemuConfig.Builder cfg = QemuConfig.builder()
                .name("kata-" + request.sandboxId())
                .accelerator(spec.accelerator())
                .kernel(image.kernel().vmlinuz()).initrd(image.initrd()).append(image.kernelCommandLine())
                .memory(spec.memory()).cpus(spec.cpus()).runDir(request.runDir());
        // the nvdimm takes its hotplug slot and maxmem: the config's defaults reserve them
        image.rootfsImage().ifPresent(r -> cfg.device(Nvdimm.of("nv0", r)));
        for (int i = 0; i < request.shares().size(); i++) {
            GuestShare s = request.shares().get(i);
            cfg.device(new NinePShare("fsdev" + i, s.hostPath(), s.tag(), s.readOnly(), s.mappedOwners()));
        }
        // the scratch disk: a template's clones see their own file behind the device their template probed, so the
        // size is part of the template's key (the command line) and the file's path is not (TemplateKeys)
        request.disk().ifPresent(d -> cfg.device(new VirtioBlk(DISK_NODE, d.file(), DISK_SERIAL)));
        // RAM the guest frees goes back to the host (our images load virtio_balloon when the kernel has it): the
        // initrd form's unpacking alone leaves 80 MiB that would otherwise stay resident in QEMU
        cfg.device(reportFreePages ? VirtioBalloon.reportingFreePages() : new VirtioBalloon("balloon0", false));
        // the kernel's random pool fed from the host's: a clone's pool is reseeded before user code, and fed after
        cfg.device(VirtioRng.fromHost());
        // published ports and an allow-listed network travel on a port of their own, never on the agent's channel
        Path forward = request.runDir().resolve(FORWARD_SOCKET).toAbsolutePath();
        cfg.device(new VirtioSerialPort("fwd0", forward, ForwardRequest.PORT_NAME));
        // a joined namespace's devices: QEMU starts in that namespace, a NIC on each tap made there for it
        for (int i = 0; i < request.nics().size(); i++) {
            GuestNic nic = request.nics().get(i);
            cfg.networkNamespace(nic.namespace()).device(new TapNetwork("tap" + i, nic.tapName(), nic.mac()));
        }
        String mac = null;
        if (spec.network() instanceof dev.jkata.api.Network.Nat) {
            // one address for every guest: each has a user-mode network of its own, and a template's clones share it
            mac = NAT_MAC;
            cfg.device(new UserNetwork("net0", mac));
        }
        return new Prepared(cfg, image, forward, mac);
    }

    /** The scratch disk's block node, and the serial the guest reads. */
    static final String DISK_NODE = "disk0";
    static final String DISK_SERIAL = "jkata-scratch";

    /** The MAC address of a NAT guest's network device: locally administered (02:...), alone on its own network. */
    static final String NAT_MAC = "02:6b:61:74:61:01";

    private GuestImage image(SandboxSpec spec) {
        if (spec.initrd().isPresent() && spec.nvdimm()) {
            throw new InvalidConfigurationException("image", "a prebuilt initrd and nvdimm() do not go together; choose one");
        }
        GuestImageBuilder b = GuestImageBuilder.create().cache(cache).progress(progress)
                .form(spec.nvdimm() ? ImageForm.NVDIMM : ImageForm.INITRD);
        spec.kernel().ifPresent(k -> b.kernel(GuestKernel.of(k, spec.kernelModules().orElse(null))));
        GuestImage built = b.build();
        if (spec.initrd().isPresent()) {
            Path initrd = spec.initrd().get();
            return new GuestImage(ImageForm.INITRD, built.kernel(), initrd, Optional.empty(),
                    built.kernelCommandLine(), size(initrd), 0, 0);
        }
        return built;
    }

    /**
     * The initrd form unpacks the whole image into guest RAM (a tmpfs root): below about three times its size
     * plus 128 MiB the kernel fails with "Initramfs unpacking failed: write error" and panics.
     */
    private static void requireRoomFor(GuestImage image, MemorySize memory) {
        if (image.form() != ImageForm.INITRD) {
            return;
        }
        long needMiB = 3 * image.initrdBytes() / (1 << 20) + 128;
        if (memory.toMiB() < needMiB) {
            throw new InvalidConfigurationException("memory", memory + " is too little for the initrd form, whose "
                    + image.initrdBytes() / (1 << 20) + "M image is unpacked into guest RAM; give at least " + needMiB
                    + "M, or use nvdimm(), which maps the root file system from the host instead");
        }
    }

    private static long size(Path p) {
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw new KataException(KataErrorReason.UNREADABLE_PATH, "cannot read " + p, e);
        }
    }

    @Override
    public String toString() {
        return "QemuGuestLauncher[" + cache.root() + "]";
    }
}
