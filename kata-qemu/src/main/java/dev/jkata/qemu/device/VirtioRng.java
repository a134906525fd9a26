package dev.jkata.qemu.device;

import java.util.List;

/**
 * A virtio entropy device fed from the host's {@code /dev/urandom}:
 * {@code -object rng-random,id=<id>,filename=/dev/urandom -device virtio-rng-pci,rng=<id>}. The guest's
 * virtio_rng driver mixes what it reads into the kernel's pool, so a guest never waits for entropy, and a VM
 * template's clones draw fresh host randomness after they diverge.
 *
 * @param id the backend object's id
 */
public record VirtioRng(String id) implements QemuDevice {
    public VirtioRng {
        DeviceIds.require(id, "id");
    }

    /** The device on the host's {@code /dev/urandom}. */
    public static VirtioRng fromHost() {
        return new VirtioRng("rng0");
    }

    @Override
    public List<String> args() {
        return List.of("-object", "rng-random,id=" + id + ",filename=/dev/urandom",
                "-device", "virtio-rng-pci,rng=" + id);
    }
}
