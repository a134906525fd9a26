package dev.jkata.api;

import java.util.Locale;

/** How a sandbox's virtual CPUs run. */
public enum Accelerator {
    /** KVM when it can boot a stock guest on this host, else TCG. The default. */
    AUTO,
    /** Hardware virtualisation through /dev/kvm; a host where it cannot work fails the start with the reason. */
    KVM,
    /** QEMU's software emulation: works everywhere, several times slower. */
    TCG;

    /**
     * {@code "auto"}, {@code "kvm"} or {@code "tcg"}, in any case.
     *
     * @throws InvalidConfigurationException naming {@code accelerator} for anything else
     */
    public static Accelerator parse(String name) {
        if (name != null) {
            for (Accelerator a : values()) {
                if (a.name().equalsIgnoreCase(name.trim())) {
                    return a;
                }
            }
        }
        throw new InvalidConfigurationException("accelerator", "must be auto, kvm or tcg, not '" + name + "'");
    }

    /** The lower-case name the command line and the docs use. */
    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
