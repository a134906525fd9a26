package dev.jkata.guestimage.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KernelModulesTest {
    @TempDir
    Path dir;

    private KernelModules modules() throws IOException {
        Files.writeString(dir.resolve("modules.dep"), String.join("\n",
                "kernel/fs/ext4/ext4.ko: kernel/lib/crc16.ko kernel/fs/mbcache.ko kernel/fs/jbd2/jbd2.ko",
                "kernel/lib/crc16.ko:",
                "kernel/fs/mbcache.ko:",
                "kernel/fs/jbd2/jbd2.ko:",
                "kernel/crypto/crc32c_generic.ko:",
                "kernel/drivers/acpi/nfit/nfit.ko: kernel/drivers/nvdimm/libnvdimm.ko",
                "kernel/drivers/nvdimm/nd_pmem.ko: kernel/drivers/nvdimm/nd_btt.ko kernel/drivers/nvdimm/libnvdimm.ko",
                "kernel/drivers/nvdimm/nd_btt.ko: kernel/drivers/nvdimm/libnvdimm.ko",
                "kernel/drivers/nvdimm/libnvdimm.ko:",
                "kernel/net/9p/9pnet-virtio.ko: kernel/net/9p/9pnet.ko",
                "kernel/net/9p/9pnet.ko:", ""));
        Files.writeString(dir.resolve("modules.softdep"), "softdep ext4 pre: crypto-crc32c\n");
        Files.writeString(dir.resolve("modules.alias"), "alias crypto-crc32c crc32c_generic\nalias crc32c crc32c_generic\n");
        Files.writeString(dir.resolve("modules.builtin"), "kernel/drivers/virtio/virtio_pci.ko\n");
        return KernelModules.read(dir);
    }

    @Test
    void ordersDependenciesAndSoftDependenciesBeforeTheModule() throws IOException {
        List<String> order = modules().loadOrder(List.of("ext4"));
        assertThat(order).containsExactly("kernel/crypto/crc32c_generic.ko", "kernel/lib/crc16.ko",
                "kernel/fs/mbcache.ko", "kernel/fs/jbd2/jbd2.ko", "kernel/fs/ext4/ext4.ko");
    }

    @Test
    void sharedDependenciesAppearOnceAndBuiltinsNeedNothing() throws IOException {
        List<String> order = modules().loadOrder(List.of("virtio_pci", "nfit", "nd_pmem"));
        assertThat(order).containsExactly("kernel/drivers/nvdimm/libnvdimm.ko", "kernel/drivers/acpi/nfit/nfit.ko",
                "kernel/drivers/nvdimm/nd_btt.ko", "kernel/drivers/nvdimm/nd_pmem.ko");
    }

    @Test
    void dashesAndUnderscoresNameTheSameModule() throws IOException {
        assertThat(modules().loadOrder(List.of("9pnet_virtio")))
                .containsExactly("kernel/net/9p/9pnet.ko", "kernel/net/9p/9pnet-virtio.ko");
    }

    @Test
    void aDriverTheKernelLacksIsATypedErrorNamingIt() throws IOException {
        KernelModules m = modules();
        assertThatThrownBy(() -> m.loadOrder(List.of("ext4", "overlay")))
                .isInstanceOf(KataException.class)
                .hasMessageContaining("[overlay]")
                .extracting(e -> ((KataException) e).reason()).isEqualTo(KataErrorReason.KERNEL_UNSUITABLE);
    }

    @Test
    void anOptionalDriverComesLastWhenTheKernelHasItAndIsLeftOutWhenNot() throws IOException {
        assertThat(modules().loadOrder(List.of("nfit"), List.of("9pnet_virtio", "virtio_balloon")))
                .containsExactly("kernel/drivers/nvdimm/libnvdimm.ko", "kernel/drivers/acpi/nfit/nfit.ko",
                        "kernel/net/9p/9pnet.ko", "kernel/net/9p/9pnet-virtio.ko");
    }

    @Test
    void aTreeWithoutModulesDepSaysHowToMakeOne() {
        assertThatThrownBy(() -> KernelModules.read(dir))
                .isInstanceOf(KataException.class)
                .hasMessageContaining("depmod -b");
    }
}
