package dev.jkata.qemu.config;

import dev.jkata.qemu.errors.InvalidQemuConfigException;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The QEMU machine (chipset) a VM emulates. */
public enum MachineType {
    /** Intel Q35 with PCIe: the default, as in Kata. */
    Q35("q35", true),
    /** Intel i440FX with PCI: the older PC. */
    PC("pc", true);

    private final String qemuName;
    private final boolean nvdimm;

    MachineType(String qemuName, boolean nvdimm) {
        this.qemuName = qemuName;
        this.nvdimm = nvdimm;
    }

    /** The name QEMU knows it by, e.g. {@code q35}. */
    public String qemuName() { return qemuName; }

    /** Whether the machine can carry NVDIMM devices ({@code nvdimm=on}). */
    public boolean supportsNvdimm() { return nvdimm; }

    /** Whether the machine takes the {@code -machine} option a device needs. */
    public boolean supports(dev.jkata.qemu.device.MachineFeature feature) {
        return switch (feature) {
            case NVDIMM -> nvdimm;
        };
    }

    /**
     * Parses a machine name as a user writes it ({@code q35}, {@code Q35}, {@code pc}).
     *
     * @throws InvalidQemuConfigException for field {@code machine} naming the known machines
     */
    public static MachineType parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        for (MachineType m : values()) {
            if (m.qemuName.equals(t)) {
                return m;
            }
        }
        throw new InvalidQemuConfigException("machine", "unknown machine type '" + text + "'; known: "
                + Arrays.stream(values()).map(MachineType::qemuName).collect(Collectors.joining(", ")));
    }
}
