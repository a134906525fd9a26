package dev.jkata.qemu.device;

/** A {@code -machine} option a device needs; {@link Machine} renders each one some device asks for. */
public enum MachineFeature {
    /** {@code nvdimm=on}: ACPI NFIT, so the guest finds {@link Nvdimm}s. */
    NVDIMM("nvdimm=on");

    private final String option;

    MachineFeature(String option) {
        this.option = option;
    }

    /** The {@code key=value} on {@code -machine}. */
    public String option() {
        return option;
    }
}
