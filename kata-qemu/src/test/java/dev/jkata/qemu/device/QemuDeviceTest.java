package dev.jkata.qemu.device;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.api.MemorySize;
import dev.jkata.qemu.errors.InvalidQemuConfigException;
import dev.jkata.qemu.accel.ResolvedAccelerator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class QemuDeviceTest {
    @TempDir
    Path tmp;

    @Test
    void machineWithAndWithoutNvdimm() {
        assertThat(new Machine("q35").args()).containsExactly("-machine", "q35");
        assertThat(new Machine("pc", java.util.Set.of(MachineFeature.NVDIMM), Optional.of("ram0")).args())
                .containsExactly("-machine", "pc,nvdimm=on,memory-backend=ram0");
    }

    @Test
    void tcgGetsMultiThreadedBoundedCacheAndCpuMax() {
        assertThat(CpuAccelerator.tcg(MemorySize.ofMiB(128)).args())
                .containsExactly("-accel", "tcg,thread=multi,tb-size=128", "-cpu", "max");
    }

    @Test
    void kvmGetsHostCpu() {
        assertThat(CpuAccelerator.kvm().args()).containsExactly("-accel", "kvm", "-cpu", "host");
        assertThat(new CpuAccelerator(ResolvedAccelerator.KVM, MemorySize.ofMiB(64)).args())
                .containsExactly("-accel", "kvm", "-cpu", "host");
    }

    @Test
    void translationCacheMustBeWholeMiB() {
        assertThatThrownBy(() -> CpuAccelerator.tcg(MemorySize.ofKiB(1536))).isInstanceOf(InvalidQemuConfigException.class);
    }

    @Test
    void aBalloonReportsFreePagesAndNeverInflates() {
        assertThat(VirtioBalloon.reportingFreePages().args())
                .containsExactly("-device", "virtio-balloon-pci,id=balloon0,free-page-reporting=on");
        assertThat(new VirtioBalloon("b1", false).args()).containsExactly("-device", "virtio-balloon-pci,id=b1,free-page-reporting=off");
    }

    @Test
    void smp() {
        assertThat(new Smp(4).args()).containsExactly("-smp", "4");
        assertThatThrownBy(() -> new Smp(0)).isInstanceOf(InvalidQemuConfigException.class);
    }

    @Test
    void memoryPlainAndWithHotplug() {
        assertThat(Memory.of(MemorySize.ofMiB(512)).args()).containsExactly("-m", "512M");
        assertThat(new Memory(MemorySize.ofMiB(512), 2, MemorySize.ofGiB(2)).args())
                .containsExactly("-m", "512M,slots=2,maxmem=2048M");
        assertThatThrownBy(() -> new Memory(MemorySize.ofMiB(512), 0, MemorySize.ofGiB(1)))
                .isInstanceOf(InvalidQemuConfigException.class);
        assertThatThrownBy(() -> new Memory(MemorySize.ofMiB(512), 1, MemorySize.ofMiB(512)))
                .isInstanceOf(InvalidQemuConfigException.class);
    }

    @Test
    void directKernelBoot() throws IOException {
        Path k = Files.writeString(tmp.resolve("vmlinuz"), "k");
        Path i = Files.writeString(tmp.resolve("initrd"), "i");
        assertThat(new DirectKernelBoot(k, Optional.of(i), "console=ttyS0 quiet").args())
                .containsExactly("-kernel", k.toString(), "-initrd", i.toString(), "-append", "console=ttyS0 quiet");
        assertThat(new DirectKernelBoot(k, Optional.empty(), "console=ttyS0").args())
                .containsExactly("-kernel", k.toString(), "-append", "console=ttyS0");
        assertThatThrownBy(() -> new DirectKernelBoot(tmp.resolve("none"), Optional.empty(), ""))
                .isInstanceOfSatisfying(InvalidQemuConfigException.class, e -> assertThat(e.field()).isEqualTo("kernel"));
    }

    @Test
    void nvdimmIsSharedReadOnlyAndUnarmed() throws IOException {
        Path img = Files.writeString(tmp.resolve("rootfs.img"), "x");
        Nvdimm n = new Nvdimm("nv0", img, MemorySize.ofMiB(128));
        assertThat(n.args()).containsExactly(
                "-object", "memory-backend-file,id=mem-nv0,mem-path=" + img + ",size=134217728,share=on,readonly=on",
                "-device", "nvdimm,id=nv0,memdev=mem-nv0,unarmed=on");
        assertThat(n.hotplugRoom()).isEqualTo(new HotplugRoom(1, MemorySize.ofMiB(128)));
        assertThat(n.machineFeatures()).containsExactly(MachineFeature.NVDIMM);
        assertThat(Nvdimm.of("nv0", img).hotplugRoom().memory()).isEqualTo(MemorySize.ofMiB(2));
    }

    @Test
    void virtioSerialBusAndAgentPort() {
        assertThat(new VirtioSerialBus("serial0").args()).containsExactly("-device", "virtio-serial-pci,id=serial0");
        assertThat(new VirtioSerialPort("agent0", Path.of("/run/vm/agent.sock"), "agent.channel.0").args()).containsExactly(
                "-chardev", "socket,id=agent0,path=/run/vm/agent.sock,server=on,wait=off",
                "-device", "virtserialport,chardev=agent0,id=port-agent0,name=agent.channel.0");
    }

    @Test
    void ninePShareReadOnlyAndReadWrite() {
        assertThat(new NinePShare("fsdev0", tmp, "kataShared", true).args()).containsExactly(
                "-fsdev", "local,id=fsdev0,path=" + tmp + ",security_model=none,readonly=on,multidevs=remap",
                "-device", "virtio-9p-pci,fsdev=fsdev0,mount_tag=kataShared");
        assertThat(new NinePShare("fsdev1", tmp, "data", false).args()).containsExactly(
                "-fsdev", "local,id=fsdev1,path=" + tmp + ",security_model=none,multidevs=remap",
                "-device", "virtio-9p-pci,fsdev=fsdev1,mount_tag=data");
    }

    @Test
    void serialConsoleToFile() {
        assertThat(new SerialConsole("console0", Path.of("/run/vm/console.log")).args()).containsExactly(
                "-chardev", "file,id=console0,path=/run/vm/console.log,append=on", "-serial", "chardev:console0");
    }

    @Test
    void qmpPidNameBaseAndSeccomp() {
        assertThat(new QmpSocket(Path.of("/run/vm/qmp.sock")).args())
                .containsExactly("-qmp", "unix:/run/vm/qmp.sock,server=on,wait=off");
        assertThat(new PidFile(Path.of("/run/vm/qemu.pid")).args()).containsExactly("-pidfile", "/run/vm/qemu.pid");
        assertThat(new VmName("sb-1").args()).containsExactly("-name", "sb-1");
        assertThat(new BaseOptions().args()).containsExactly("-nodefaults", "-no-user-config", "-nographic", "-no-reboot");
        assertThat(new Seccomp().args()).containsExactly("-sandbox",
                "on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny");
    }

    @Test
    void commasInPathsAreDoubled() throws IOException {
        Path comma = Files.createDirectory(tmp.resolve("x,y"));
        assertThat(QemuDevice.escape("/a,b/c")).isEqualTo("/a,,b/c");
        assertThat(new QmpSocket(Path.of("/run/a,b/qmp.sock")).args())
                .containsExactly("-qmp", "unix:/run/a,,b/qmp.sock,server=on,wait=off");
        assertThat(new NinePShare("fsdev0", comma, "kataShared", false).args().get(1))
                .isEqualTo("local,id=fsdev0,path=" + tmp + "/x,,y,security_model=none,multidevs=remap");
    }

    @Test
    void idsAreChecked() {
        assertThatThrownBy(() -> new VirtioSerialBus("bad id")).isInstanceOf(InvalidQemuConfigException.class);
        assertThatThrownBy(() -> new VirtioSerialPort("a0", Path.of("/s"), "bad,name")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new VmName("a b")).isInstanceOf(InvalidQemuConfigException.class);
    }

    @Test
    void aScratchDiskDiscardsIntoItsSparseFileAndNeverFlushesToTheHost() throws Exception {
        java.nio.file.Path f = java.nio.file.Files.createFile(tmp.resolve("a,b.img"));
        assertThat(new VirtioBlk("disk0", f, "jkata-scratch").args()).containsExactly(
                "-blockdev", "node-name=disk0,driver=raw,discard=unmap,cache.no-flush=on,file.driver=file,file.filename="
                        + tmp.resolve("a,,b.img"),
                "-device", "virtio-blk-pci,id=disk0-dev,drive=disk0,serial=jkata-scratch");
        assertThatThrownBy(() -> new VirtioBlk("disk0", tmp.resolve("missing.img"), "s"))
                .isInstanceOf(InvalidQemuConfigException.class).hasMessageContaining("not a regular file");
        assertThatThrownBy(() -> new VirtioBlk("disk0", f, "bad serial"))
                .isInstanceOf(InvalidQemuConfigException.class).hasMessageContaining("serial");
    }
}
