package dev.jkata.qemu.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.api.Accelerator;
import dev.jkata.api.MemorySize;
import dev.jkata.qemu.errors.InvalidQemuConfigException;
import dev.jkata.qemu.accel.ResolvedAccelerator;
import dev.jkata.qemu.device.HotplugRoom;
import dev.jkata.qemu.device.NinePShare;
import dev.jkata.qemu.device.Nvdimm;
import dev.jkata.qemu.device.QemuDevice;
import dev.jkata.qemu.device.VirtioBalloon;
import dev.jkata.qemu.device.VirtioRng;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QemuConfigTest {
    @TempDir
    Path tmp;
    Path kernel;
    Path initrd;
    Path run;

    @BeforeEach
    void files() throws IOException {
        kernel = Files.writeString(tmp.resolve("vmlinuz"), "kernel");
        initrd = Files.writeString(tmp.resolve("initrd.img"), "initrd");
        run = tmp.resolve("run");
    }

    private QemuConfig.Builder minimal() {
        return QemuConfig.builder().kernel(kernel).initrd(initrd).runDir(run);
    }

    @Test
    void minimalConfigUnderTcgRendersTheFullCommandLine() {
        QemuConfig c = minimal().build();
        assertThat(c.toArgs(Path.of("/usr/bin/qemu-system-x86_64"), ResolvedAccelerator.TCG)).containsExactly(
                "/usr/bin/qemu-system-x86_64",
                "-machine", "q35",
                "-accel", "tcg,thread=multi,tb-size=96", "-cpu", "max",
                "-smp", "1",
                "-m", "512M",
                "-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
                "-pidfile", run + "/qemu.pid",
                "-qmp", "unix:" + run + "/qmp.sock,server=on,wait=off",
                "-chardev", "file,id=console0,path=" + run + "/console.log,append=on", "-serial", "chardev:console0",
                "-kernel", kernel.toString(), "-initrd", initrd.toString(), "-append", "console=ttyS0",
                "-device", "virtio-serial-pci,id=serial0",
                "-chardev", "socket,id=agent0,path=" + run + "/agent.sock,server=on,wait=off",
                "-device", "virtserialport,chardev=agent0,id=port-agent0,name=agent.channel.0");
    }

    @Test
    void everyOptionRendersInOrder() throws IOException {
        Path image = tmp.resolve("rootfs.img");
        try (var f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(3 * 1024 * 1024 + 4096); // rounds up to 4 MiB of hotplug room
        }
        Path share = Files.createDirectory(tmp.resolve("rootfs"));
        Path data = Files.createDirectory(tmp.resolve("data"));
        QemuDevice extra = () -> List.of("-device", "pvpanic");
        QemuConfig c = minimal()
                .name("sb-7")
                .machine(MachineType.PC)
                .accelerator(Accelerator.KVM)
                .cpus(2)
                .memory(MemorySize.ofMiB(256))
                .append("quiet panic=1")
                .device(Nvdimm.of("nv0", image))
                .device(new NinePShare("fsdev0", share, NinePShare.DEFAULT_TAG, true))
                .device(new NinePShare("fsdev1", data, "data", false))
                .sandbox(true)
                .device(extra)
                .build();
        assertThat(c.memory().slots()).isEqualTo(1);
        assertThat(c.memory().maxMemory()).isEqualTo(MemorySize.ofMiB(260));
        assertThat(c.toArgs(Path.of("qemu"), ResolvedAccelerator.KVM)).containsExactly(
                "qemu",
                "-name", "sb-7",
                "-machine", "pc,nvdimm=on",
                "-accel", "kvm", "-cpu", "host",
                "-smp", "2",
                "-m", "256M,slots=1,maxmem=260M",
                "-nodefaults", "-no-user-config", "-nographic", "-no-reboot",
                "-sandbox", "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny",
                "-pidfile", run + "/qemu.pid",
                "-qmp", "unix:" + run + "/qmp.sock,server=on,wait=off",
                "-chardev", "file,id=console0,path=" + run + "/console.log,append=on", "-serial", "chardev:console0",
                "-kernel", kernel.toString(), "-initrd", initrd.toString(), "-append", "console=ttyS0 quiet panic=1",
                "-object", "memory-backend-file,id=mem-nv0,mem-path=" + image + ",size=" + (3 * 1024 * 1024 + 4096)
                        + ",share=on,readonly=on",
                "-device", "nvdimm,id=nv0,memdev=mem-nv0,unarmed=on",
                "-device", "virtio-serial-pci,id=serial0",
                "-chardev", "socket,id=agent0,path=" + run + "/agent.sock,server=on,wait=off",
                "-device", "virtserialport,chardev=agent0,id=port-agent0,name=agent.channel.0",
                "-fsdev", "local,id=fsdev0,path=" + share + ",security_model=none,readonly=on,multidevs=remap",
                "-device", "virtio-9p-pci,fsdev=fsdev0,mount_tag=kataShared",
                "-fsdev", "local,id=fsdev1,path=" + data + ",security_model=none,multidevs=remap",
                "-device", "virtio-9p-pci,fsdev=fsdev1,mount_tag=data",
                "-device", "pvpanic");
    }

    @Test
    void tcgTranslationCacheAndHotplugMemoryAreConfigurable() {
        QemuConfig c = minimal().memory(MemorySize.ofGiB(1)).memorySlots(2).maxMemory(MemorySize.ofGiB(4))
                .tcgTranslationCache(MemorySize.ofMiB(64)).build();
        List<String> args = c.toArgs(Path.of("q"), ResolvedAccelerator.TCG);
        assertThat(args).containsSequence("-accel", "tcg,thread=multi,tb-size=64", "-cpu", "max");
        assertThat(args).containsSequence("-m", "1024M,slots=2,maxmem=4096M");
    }

    @Test
    void consoleIsOnlyAddedWhenTheCallerChoseNone() {
        assertThat(minimal().append("  rdinit=/init  ").build().boot().commandLine()).isEqualTo("console=ttyS0 rdinit=/init");
        assertThat(minimal().append("console=hvc0 quiet").build().boot().commandLine()).isEqualTo("console=hvc0 quiet");
    }

    @Test
    void toBuilderRoundTrips() {
        QemuConfig c = minimal().name("x").cpus(3).append("quiet").build();
        assertThat(c.toBuilder().build()).isEqualTo(c);
        assertThat(c.toBuilder().cpus(4).build().cpus()).isEqualTo(4);
    }

    @Test
    void machineParsesFromText() {
        assertThat(minimal().machine("PC").build().machine()).isEqualTo(MachineType.PC);
        assertThat(minimal().machine("q35").build().machine()).isEqualTo(MachineType.Q35);
    }

    @Test
    void unknownMachineNamesTheField() {
        assertInvalid(() -> minimal().machine("microvm").build(), "machine");
    }

    @Test
    void nonPositiveMemory() {
        assertInvalid(() -> minimal().memory(MemorySize.ofBytes(0)).build(), "memory");
        assertInvalid(() -> minimal().memory(MemorySize.ofKiB(1536)).build(), "memory");
    }

    @Test
    void nonPositiveCpus() {
        assertInvalid(() -> minimal().cpus(0).build(), "cpus");
        assertInvalid(() -> minimal().cpus(-1).build(), "cpus");
        assertInvalid(() -> minimal().cpus(1000).build(), "cpus");
    }

    @Test
    void missingKernel() {
        assertInvalid(() -> minimal().kernel(tmp.resolve("nope")).build(), "kernel");
        assertInvalid(() -> minimal().kernel(null).build(), "kernel");
        assertInvalid(() -> minimal().kernel(tmp).build(), "kernel");
    }

    @Test
    void missingInitrd() {
        assertInvalid(() -> minimal().initrd(tmp.resolve("nope")).build(), "initrd");
    }

    @Test
    void missingRunDir() {
        assertInvalid(() -> QemuConfig.builder().kernel(kernel).build(), "runDir");
    }

    @Test
    void nvdimmImageMissingOrEmpty() throws IOException {
        assertInvalid(() -> minimal().device(Nvdimm.of("nv0", tmp.resolve("absent.img"))).build(), "nvdimmImage");
        Path empty = Files.createFile(tmp.resolve("empty.img"));
        assertInvalid(() -> minimal().device(Nvdimm.of("nv0", empty)).build(), "nvdimmImage");
    }

    @Test
    void nvdimmNeedsRoomForTheAlignedImage() throws IOException {
        Path image = tmp.resolve("r.img");
        try (var f = new java.io.RandomAccessFile(image.toFile(), "rw")) {
            f.setLength(2 * 1024 * 1024 + 1);
        }
        // 2 MiB + 1 byte takes 4 MiB of hotplug room
        assertInvalid(() -> minimal().memory(MemorySize.ofMiB(512)).memorySlots(1).maxMemory(MemorySize.ofMiB(514))
                .device(Nvdimm.of("nv0", image)).build(), "maxMemory");
        assertThat(minimal().memory(MemorySize.ofMiB(512)).memorySlots(1).maxMemory(MemorySize.ofMiB(516))
                .device(Nvdimm.of("nv0", image)).build().devices(Nvdimm.class)).hasSize(1);
        assertInvalid(() -> minimal().memorySlots(0).device(Nvdimm.of("nv0", image)).build(), "memorySlots");
    }

    @Test
    void hotplugNeedsSlotsAndRoom() {
        assertInvalid(() -> minimal().maxMemory(MemorySize.ofGiB(2)).build(), "memorySlots");
        assertInvalid(() -> minimal().memorySlots(2).build(), "maxMemory");
        assertInvalid(() -> minimal().memory(MemorySize.ofGiB(2)).memorySlots(1).maxMemory(MemorySize.ofGiB(1)).build(), "maxMemory");
    }

    @Test
    void duplicateMountTags() throws IOException {
        Path a = Files.createDirectory(tmp.resolve("a"));
        Path b = Files.createDirectory(tmp.resolve("b"));
        assertInvalid(() -> minimal().device(share("fsdev0", a)).device(share("fsdev1", b)).build(), "sharedDirs");
    }

    @Test
    void badShares() {
        assertInvalid(() -> minimal().device(share("fsdev0", tmp.resolve("absent"))).build(), "sharedDirs");
        assertInvalid(() -> minimal().device(new NinePShare("fsdev0", tmp, "bad tag", true)).build(), "sharedDirs");
        assertInvalid(() -> minimal().device(new NinePShare("fsdev0", tmp, "a-tag-that-is-far-too-long-for-9p", true)).build(), "sharedDirs");
    }

    @Test
    void socketPathLongerThan107Bytes() {
        Path deep = tmp.resolve("d".repeat(Math.max(1, 110 - tmp.toString().length())));
        assertInvalid(() -> minimal().runDir(deep).build(), "runDir");
    }

    @Test
    void socketPathOf107BytesIsAccepted() {
        // qmp.sock and agent.sock are as long: make agent.sock exactly 107 bytes
        int dirLen = 107 - "/agent.sock".length();
        String base = tmp.toString() + "/";
        Path dir = Path.of(base + "d".repeat(dirLen - base.length()));
        QemuConfig c = minimal().runDir(dir).build();
        assertThat(c.paths().agentSocket().toString()).hasSize(107);
    }

    @Test
    void badKernelCommandLine() {
        assertInvalid(() -> minimal().append("quiet\ninit=/bin/sh").build(), "append");
        assertInvalid(() -> minimal().append("x".repeat(2100)).build(), "append");
    }

    @Test
    void badNameAndTranslationCache() {
        assertInvalid(() -> minimal().name("no spaces").build(), "name");
        assertInvalid(() -> minimal().tcgTranslationCache(MemorySize.ofKiB(512)).build(), "tcgTranslationCache");
    }

    @Test
    void theResolvedAcceleratorMustHonourAnExplicitRequest() {
        QemuConfig c = minimal().accelerator(Accelerator.TCG).build();
        assertThatThrownBy(() -> c.toArgs(Path.of("q"), ResolvedAccelerator.KVM)).isInstanceOf(IllegalArgumentException.class);
        assertThat(minimal().build().toArgs(Path.of("q"), ResolvedAccelerator.KVM)).contains("kvm");
    }

    private static NinePShare share(String id, Path dir) {
        return new NinePShare(id, dir, NinePShare.DEFAULT_TAG, true);
    }

    /** Issue 11: the added devices render in the order added, after the agent's port. */
    @Test
    void addedDevicesRenderInOrder() {
        List<String> args = minimal().device(VirtioRng.fromHost()).device(VirtioBalloon.reportingFreePages())
                .device(() -> List.of("-device", "pvpanic")).build().toArgs(Path.of("q"), ResolvedAccelerator.TCG);
        assertThat(args.subList(args.indexOf("virtserialport,chardev=agent0,id=port-agent0,name=agent.channel.0") + 1,
                args.size())).containsExactly(
                "-object", "rng-random,id=rng0,filename=/dev/urandom", "-device", "virtio-rng-pci,rng=rng0",
                "-device", "virtio-balloon-pci,id=balloon0,free-page-reporting=on",
                "-device", "pvpanic");
    }

    /** Issue 11: a device QemuConfig has never heard of brings its own needs, and the config reserves them. */
    @Test
    void aNewMemoryDeviceNeedsNoChangeToTheConfig() {
        QemuDevice dimm = new QemuDevice() {
            @Override
            public List<String> args() {
                return List.of("-device", "pc-dimm,id=dimm0,memdev=m0");
            }

            @Override
            public HotplugRoom hotplugRoom() {
                return new HotplugRoom(1, MemorySize.ofMiB(128));
            }
        };
        QemuConfig c = minimal().memory(MemorySize.ofMiB(512)).device(dimm).build();
        assertThat(c.toArgs(Path.of("q"), ResolvedAccelerator.TCG)).containsSequence("-m", "512M,slots=1,maxmem=640M")
                // memory devices render before the agent's virtio-serial controller
                .containsSequence("-device", "pc-dimm,id=dimm0,memdev=m0", "-device", "virtio-serial-pci,id=serial0");
        assertThat(c.devices()).containsExactly(dimm);
    }

    /** Issue 11: an NVDIMM without its hotplug slot, or without maxmem room, is one typed error. */
    @Test
    void anNvdimmWithoutASlotOrRoomIsOneTypedError() throws IOException {
        Path image = Files.writeString(tmp.resolve("r.img"), "x"); // takes 2 MiB
        assertInvalid(() -> minimal().memory(MemorySize.ofMiB(512)).memorySlots(1).maxMemory(MemorySize.ofMiB(513))
                .device(Nvdimm.of("nv0", image)).build(), "maxMemory");
        Nvdimm two = Nvdimm.of("nv1", image);
        assertInvalid(() -> minimal().memorySlots(1).maxMemory(MemorySize.ofMiB(600))
                .device(Nvdimm.of("nv0", image)).device(two).build(), "memorySlots");
        assertThat(minimal().device(Nvdimm.of("nv0", image)).device(two).build().memory().slots()).isEqualTo(2);
    }

    private static void assertInvalid(ThrowingCallable build, String field) {
        assertThatThrownBy(build)
                .isInstanceOfSatisfying(InvalidQemuConfigException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.problem()).isNotBlank();
                })
                .hasMessageStartingWith(field + ": ");
    }

    /** Issue 13: a template's RAM is a shared file; a clone maps one of the right size privately and waits for its state. */
    @Test
    void templatesAndClonesHoldTheirRamInAFile() throws IOException {
        QemuConfig template = QemuConfig.builder().kernel(kernel).runDir(run)
                .ramFile(RamFile.template(tmp.resolve("ram"))).build();
        assertThat(template.toArgs(Path.of("/usr/bin/qemu-system-x86_64"), dev.jkata.qemu.accel.ResolvedAccelerator.TCG))
                .contains("q35,memory-backend=ram0", "memory-backend-file,id=ram0,mem-path=" + tmp.resolve("ram")
                        + ",size=512M,share=on")
                .doesNotContain("-incoming");

        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(tmp.resolve("ram").toFile(), "rw")) {
            f.setLength(512L << 20);
        }
        QemuConfig clone = QemuConfig.builder().kernel(kernel).runDir(run)
                .ramFile(RamFile.clone(tmp.resolve("ram"))).incoming(true).build();
        assertThat(String.join(" ", clone.toArgs(Path.of("/q"), dev.jkata.qemu.accel.ResolvedAccelerator.TCG)))
                .contains("share=off").contains("-incoming defer");
    }

    @Test
    void aCloneNeedsItsTemplatesRamOfItsOwnSize() throws IOException {
        Files.writeString(tmp.resolve("small"), "x");
        assertThatThrownBy(() -> QemuConfig.builder().kernel(kernel).runDir(run).incoming(true).build())
                .isInstanceOf(InvalidQemuConfigException.class).hasMessageContaining("RAM file");
        assertThatThrownBy(() -> QemuConfig.builder().kernel(kernel).runDir(run)
                .ramFile(RamFile.template(tmp.resolve("ram"))).incoming(true).build())
                .hasMessageContaining("privately");
        assertThatThrownBy(() -> QemuConfig.builder().kernel(kernel).runDir(run)
                .ramFile(RamFile.clone(tmp.resolve("small"))).incoming(true).build())
                .hasMessageContaining("another configuration");
    }
}
