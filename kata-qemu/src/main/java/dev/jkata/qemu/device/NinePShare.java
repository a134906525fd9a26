package dev.jkata.qemu.device;

import dev.jkata.qemu.errors.InvalidQemuConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A host directory shared with the guest over virtio-9p:
 * <pre>
 * -fsdev local,id=&lt;id&gt;,path=&lt;dir&gt;,security_model=none|mapped-xattr[,readonly=on],multidevs=remap
 * -device virtio-9p-pci,fsdev=&lt;id&gt;,mount_tag=&lt;tag&gt;
 * </pre>
 * The guest mounts it with {@code mount -t 9p -o trans=virtio,version=9p2000.L <tag> <dir>}. {@code multidevs=remap}:
 * a share may hold mount points of other host file systems (the OCI runtime binds each pod container's root file
 * system into one share); their inode numbers are remapped so the guest never sees two files as one. A bad
 * directory or tag fails naming {@code sharedDirs}; the config checks that no two shares have one tag.
 *
 * @param id       the fsdev id
 * @param hostDir  the directory on the host (made absolute)
 * @param mountTag the tag the guest mounts by: 1 to 31 letters, digits, '.', '-', '_'
 * @param readOnly whether QEMU refuses guest writes
 * @param mappedOwners {@code security_model=mapped-xattr}: owners, modes and file types from {@code user.virtfs.*}
 *        extended attributes (symbolic links are files holding their target)
 */
public record NinePShare(String id, Path hostDir, String mountTag, boolean readOnly, boolean mappedOwners) implements QemuDevice {
    /** The tag of the container rootfs share in Kata. */
    public static final String DEFAULT_TAG = "kataShared";
    private static final Pattern TAG = Pattern.compile("[A-Za-z0-9._-]{1,31}");

    public NinePShare {
        DeviceIds.require(id, "id");
        hostDir = Objects.requireNonNull(hostDir, "hostDir").toAbsolutePath();
        if (mountTag == null || !TAG.matcher(mountTag).matches()) {
            throw new InvalidQemuConfigException("sharedDirs",
                    "mount tag '" + mountTag + "' is not 1 to 31 letters, digits, '.', '-', '_'");
        }
        if (!Files.isDirectory(hostDir)) {
            throw new InvalidQemuConfigException("sharedDirs", hostDir + " is not a directory");
        }
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
