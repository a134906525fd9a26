package dev.jkata.qemu.check;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jkata.api.MemorySize;
import dev.jkata.qemu.accel.AcceleratorVerdict;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * What {@link HostCheck} found.
 *
 * @param qemuBinary            the QEMU executable, if found
 * @param qemuVersion           the first line of {@code qemu-system-x86_64 --version}, if it ran
 * @param accelerator           KVM or TCG, and why
 * @param ninePSupported        whether QEMU has {@code virtio-9p-pci}
 * @param nvdimmSupported       whether QEMU has {@code nvdimm}
 * @param virtioSerialSupported whether QEMU has {@code virtio-serial-pci} and {@code virtserialport}
 * @param sandboxSupported      whether QEMU accepts {@code -sandbox on}
 * @param memAvailable          {@code MemAvailable} from {@code /proc/meminfo}, if readable
 * @param checks                every check with its verdict, including ones other modules added
 */
public record HostReport(Optional<Path> qemuBinary, Optional<String> qemuVersion, AcceleratorVerdict accelerator,
                         boolean ninePSupported, boolean nvdimmSupported, boolean virtioSerialSupported,
                         boolean sandboxSupported, Optional<MemorySize> memAvailable, List<CheckItem> checks) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public HostReport {
        Objects.requireNonNull(qemuBinary, "qemuBinary");
        Objects.requireNonNull(qemuVersion, "qemuVersion");
        Objects.requireNonNull(accelerator, "accelerator");
        Objects.requireNonNull(memAvailable, "memAvailable");
        checks = List.copyOf(checks);
    }

    /** Whether no check failed: VMs can run here (perhaps slowly, see the warnings). */
    public boolean ok() {
        return checks.stream().allMatch(CheckItem::passed);
    }

    /** This report with more checks appended (kernel, guest image, ...). */
    public HostReport plus(List<CheckItem> more) {
        List<CheckItem> all = new ArrayList<>(checks);
        all.addAll(more);
        return new HostReport(qemuBinary, qemuVersion, accelerator, ninePSupported, nvdimmSupported,
                virtioSerialSupported, sandboxSupported, memAvailable, all);
    }

    /** This report with more checks appended. */
    public HostReport plus(CheckItem... more) {
        return plus(List.of(more));
    }

    /** A readable report, one check per line. */
    public String toText() {
        StringBuilder sb = new StringBuilder();
        sb.append("jkata host check: ").append(ok() ? "OK" : "FAILED").append('\n');
        sb.append(String.format(Locale.ROOT, "  %-12s %s%n", "QEMU",
                qemuBinary.map(Path::toString).orElse("not found") + qemuVersion.map(v -> " (" + v + ")").orElse("")));
        sb.append(String.format(Locale.ROOT, "  %-12s %s: %s%n", "accelerator", accelerator.accelerator(), accelerator.reason()));
        sb.append(String.format(Locale.ROOT, "  %-12s %s%n", "memory",
                memAvailable.map(m -> m.toMiB() + " MiB available").orElse("unknown")));
        sb.append(String.format(Locale.ROOT, "  %-12s 9p %s, nvdimm %s, virtio-serial %s, seccomp sandbox %s%n", "features",
                yesNo(ninePSupported), yesNo(nvdimmSupported), yesNo(virtioSerialSupported), yesNo(sandboxSupported)));
        for (CheckItem c : checks) {
            sb.append(String.format(Locale.ROOT, "  [%-4s] %s: %s%n", c.status(), c.name(), c.detail()));
        }
        return sb.toString();
    }

    /** The report as a JSON object (pretty-printed). */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("ok", ok());
        ObjectNode qemu = root.putObject("qemu");
        qemu.put("binary", qemuBinary.map(Path::toString).orElse(null));
        qemu.put("version", qemuVersion.orElse(null));
        ObjectNode features = qemu.putObject("features");
        features.put("virtio9p", ninePSupported);
        features.put("nvdimm", nvdimmSupported);
        features.put("virtioSerial", virtioSerialSupported);
        features.put("sandbox", sandboxSupported);
        ObjectNode accel = root.putObject("accelerator");
        accel.put("accelerator", accelerator.accelerator().name());
        accel.put("reason", accelerator.reason());
        if (memAvailable.isPresent()) {
            root.put("memAvailableBytes", memAvailable.get().toBytes());
        } else {
            root.putNull("memAvailableBytes");
        }
        ArrayNode items = root.putArray("checks");
        for (CheckItem c : checks) {
            ObjectNode i = items.addObject();
            i.put("name", c.name());
            i.put("status", c.status().name());
            i.put("detail", c.detail());
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot render the host report as JSON", e);
        }
    }

    private static String yesNo(boolean b) {
        return b ? "yes" : "no";
    }
}
