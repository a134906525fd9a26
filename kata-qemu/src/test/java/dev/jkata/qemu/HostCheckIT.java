package dev.jkata.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.qemu.check.CheckItem;
import dev.jkata.qemu.check.HostCheck;
import dev.jkata.qemu.check.HostReport;
import org.junit.jupiter.api.Test;

/** Runs the real host check: this host runs VMs, so every check passes. */
class HostCheckIT {
    @Test
    void thisHostCanRunVms() {
        HostReport r = HostCheck.run();
        assertThat(r.ok()).as(r.toText()).isTrue();
        assertThat(r.qemuVersion()).hasValueSatisfying(v -> assertThat(v).startsWith("QEMU emulator version"));
        assertThat(r.ninePSupported()).isTrue();
        assertThat(r.virtioSerialSupported()).isTrue();
        assertThat(r.checks()).extracting(CheckItem::name)
                .contains("qemu", "accelerator", "virtio-9p", "virtio-serial", "nvdimm", "network", "network-nat", "seccomp", "setpriv", "memory");
        assertThat(r.checks()).filteredOn(c -> c.name().equals("network-nat")).extracting(CheckItem::status)
                .as("Debian's QEMU has slirp").containsOnly(dev.jkata.qemu.check.CheckStatus.OK);
        assertThat(r.toJson()).contains("\"accelerator\"");
    }
}
