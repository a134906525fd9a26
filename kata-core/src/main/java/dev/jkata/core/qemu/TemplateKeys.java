package dev.jkata.core.qemu;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.qemu.accel.ResolvedAccelerator;
import dev.jkata.qemu.config.QemuConfig;
import dev.jkata.qemu.device.NinePShare;
import dev.jkata.qemu.device.TapNetwork;
import dev.jkata.qemu.device.VirtioBlk;
import dev.jkata.qemu.device.Nvdimm;
import dev.jkata.qemu.device.QemuDevice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * The key of the VM template a QEMU config's guests are cloned from: its command line with what differs per
 * sandbox written as placeholders (the run directory, the shares' and disks' host paths, the NICs' taps and MACs, the
 * VM's name), followed by the identity (path, size, modification time) of every file the guest is made of: the QEMU
 * binary, the kernel, the initrd and the nvdimm image. The guest image's cache entries are content-addressed, so a
 * new image is a new path; the times catch a file replaced in place (a user's own kernel rebuilt).
 */
final class TemplateKeys {
    /** Bumped when what a template holds changes in a way the command line does not show. */
    static final int FORMAT = 1;

    private TemplateKeys() {
    }

    static String of(QemuConfig config, ResolvedAccelerator accelerator, Path runDir, Path qemu) {
        List<String> lines = new ArrayList<>();
        lines.add("jkata-template v" + FORMAT);
        lines.add(identity(qemu));
        lines.add(identity(config.boot().kernel()));
        config.boot().initrd().ifPresent(i -> lines.add(identity(i)));
        config.devices(Nvdimm.class).forEach(n -> lines.add(identity(n.image())));
        String run = runDir.toAbsolutePath().toString();
        List<NinePShare> shares = config.devices(NinePShare.class);
        List<VirtioBlk> disks = config.devices(VirtioBlk.class);
        List<TapNetwork> nics = config.devices(TapNetwork.class);
        List<String> args = new ArrayList<>(config.toArgs(qemu, accelerator));
        args.remove(0);
        StringBuilder cmd = new StringBuilder();
        for (String a : args) {
            String t = a.replace(run, "<run>");
            for (int i = 0; i < shares.size(); i++) {
                t = t.replace("path=" + QemuDevice.escape(shares.get(i).hostDir().toString()), "path=<share" + i + ">");
            }
            for (int i = 0; i < disks.size(); i++) {
                t = t.replace("file.filename=" + QemuDevice.escape(disks.get(i).file().toString()), "file.filename=<disk" + i + ">");
            }
            // a NIC's tap and MAC are the sandbox's (a clone's agent gives the guest its MAC): only the count matters
            for (int i = 0; i < nics.size(); i++) {
                t = t.replace("ifname=" + nics.get(i).tapName() + ",", "ifname=<tap" + i + ">,")
                        .replace("netdev=" + nics.get(i).id() + ",mac=" + nics.get(i).mac() + ",", "netdev=" + nics.get(i).id() + ",mac=<mac" + i + ">,");
            }
            cmd.append(t).append('\n');
        }
        String text = String.join("\n", lines) + "\n" + cmd;
        return config.name().map(n -> text.replace(n, "<name>")).orElse(text);
    }

    private static String identity(Path file) {
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            return file.toAbsolutePath() + " " + a.size() + " " + a.lastModifiedTime().toMillis();
        } catch (IOException e) {
            throw new KataException(KataErrorReason.UNREADABLE_PATH, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
