package dev.jkata.qemu.device;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * A host directory shared with the guest over virtio-9p:
 * <pre>
 * -fsdev local,id=&lt;id&gt;,path=&lt;dir&gt;,security_model=none|mapped-xattr[,readonly=on],multidevs=remap
 * -device virtio-9p-pci,fsdev=&lt;id&gt;,mount_tag=&lt;tag&gt;
 * </pre>
 * The guest mounts it with {@code mount -t 9p -o trans=virtio,version=9p2000.L <tag> <dir>}. {@code multidevs=remap}:
 * a share may hold mount points of other host file systems (the OCI runtime binds each pod container's root file
 * system into one share); their inode numbers are remapped so the guest never sees two files as one.
 *
 * @param id       the fsdev id
 * @param hostDir  the directory on the host
 * @param mountTag the tag the guest mounts by
 * @param readOnly whether QEMU refuses guest writes
 * @param mappedOwners {@code security_model=mapped-xattr}: owners, modes and file types from {@code user.virtfs.*}
 *        extended attributes (symbolic links are files holding their target)
 */
public record NinePShare(String id, Path hostDir, String mountTag, boolean readOnly, boolean mappedOwners) implements QemuDevice {
    public NinePShare {
        DeviceIds.require(id, "id");
        Objects.requireNonNull(hostDir, "hostDir");
        Objects.requireNonNull(mountTag, "mountTag");
    }

    public NinePShare(String id, Path hostDir, String mountTag, boolean readOnly) {
        this(id, hostDir, mountTag, readOnly, false);
    }

    @Override
    public List<String> args() {
        return List.of(
                "-fsdev", "local,id=" + id + ",path=" + QemuDevice.escape(hostDir.toString()) + ",security_model=" + (mappedOwners ? "mapped-xattr" : "none")
                        + (readOnly ? ",readonly=on" : "") + ",multidevs=remap",
                "-device", "virtio-9p-pci,fsdev=" + id + ",mount_tag=" + QemuDevice.escape(mountTag));
    }
}
