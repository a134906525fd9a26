package dev.jkata.qemu.check;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jkata.api.MemorySize;
import dev.jkata.qemu.accel.AcceleratorVerdict;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HostReportTest {
    static HostReport report() {
        return new HostReport(Optional.of(Path.of("/usr/bin/qemu-system-x86_64")),
                Optional.of("QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)"),
                AcceleratorVerdict.tcg("/dev/kvm is served by the PVM backend"), true, true, true, false,
                Optional.of(MemorySize.ofGiB(8)),
                List.of(CheckItem.ok("qemu", "7.2.22"), CheckItem.warn("accelerator", "TCG")));
    }

    @Test
    void warningsDoNotFailTheReport() {
        assertThat(report().ok()).isTrue();
    }

    @Test
    void otherModulesAppendChecksAndAFailureFailsTheReport() {
        HostReport r = report().plus(CheckItem.ok("kernel", "vmlinuz-6.1.0-56-amd64"),
                CheckItem.fail("guest image", "not built; run kata guest-image build"));
        assertThat(r.checks()).extracting(CheckItem::name).containsExactly("qemu", "accelerator", "kernel", "guest image");
        assertThat(r.ok()).isFalse();
        assertThat(report().checks()).hasSize(2);
    }

    @Test
    void textShowsEveryCheck() {
        String text = report().plus(CheckItem.fail("kernel", "missing")).toText();
        assertThat(text).startsWith("jkata host check: FAILED\n");
        assertThat(text).contains("/usr/bin/qemu-system-x86_64 (QEMU emulator version 7.2.22");
        assertThat(text).contains("TCG: /dev/kvm is served by the PVM backend");
        assertThat(text).contains("8192 MiB available");
        assertThat(text).contains("9p yes, nvdimm yes, virtio-serial yes, seccomp sandbox no");
        assertThat(text).contains("[OK  ] qemu: 7.2.22").contains("[WARN] accelerator: TCG").contains("[FAIL] kernel: missing");
    }

    @Test
    void jsonHasTheSameFacts() throws Exception {
        JsonNode j = new ObjectMapper().readTree(report().toJson());
        assertThat(j.path("ok").asBoolean()).isTrue();
        assertThat(j.path("qemu").path("binary").asText()).isEqualTo("/usr/bin/qemu-system-x86_64");
        assertThat(j.path("qemu").path("features").path("virtio9p").asBoolean()).isTrue();
        assertThat(j.path("qemu").path("features").path("sandbox").asBoolean()).isFalse();
        assertThat(j.path("accelerator").path("accelerator").asText()).isEqualTo("TCG");
        assertThat(j.path("memAvailableBytes").asLong()).isEqualTo(8L << 30);
        assertThat(j.path("checks").get(1).path("status").asText()).isEqualTo("WARN");
        assertThat(j.path("checks").get(1).path("name").asText()).isEqualTo("accelerator");
    }

    @Test
    void missingQemuRendersAsNull() throws Exception {
        HostReport r = new HostReport(Optional.empty(), Optional.empty(), AcceleratorVerdict.tcg("x"), false, false, false,
                false, Optional.empty(), List.of(CheckItem.fail("qemu", "not found")));
        JsonNode j = new ObjectMapper().readTree(r.toJson());
        assertThat(j.path("qemu").path("binary").isNull()).isTrue();
        assertThat(j.path("memAvailableBytes").isNull()).isTrue();
        assertThat(r.toText()).contains("not found");
    }

    @Test
    void parsesMeminfoAndDeviceHelp() {
        assertThat(HostCheck.parseMemAvailable("MemTotal:       24684148 kB\nMemFree:        24141440 kB\n"
                + "MemAvailable:   24168080 kB\n")).contains(MemorySize.ofKiB(24168080));
        assertThat(HostCheck.parseMemAvailable("MemTotal: 1 kB\n")).isEmpty();
        assertThat(HostCheck.deviceNames("Storage devices:\nname \"nvdimm\", desc \"DIMM memory module\"\n"
                + "name \"virtio-9p-pci\", bus PCI, alias \"virtio-9p\"\n"))
                .containsExactly("nvdimm", "virtio-9p-pci");
    }
}
