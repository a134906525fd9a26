package dev.jkata.qemu.accel;

import dev.jkata.api.Accelerator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides between KVM and TCG.
 *
 * <p>KVM is chosen only when all of these hold, checked in this order:
 * <ol>
 *   <li>{@code /dev/kvm} is not served by the PVM backend (kernel module {@code kvm_pvm}): PVM needs a guest
 *       kernel built for it, and a stock kernel hangs right after "Booting from ROM";</li>
 *   <li>{@code /proc/cpuinfo} shows {@code vmx} (Intel) or {@code svm} (AMD);</li>
 *   <li>{@code /dev/kvm} opens, answers {@code KVM_GET_API_VERSION} with 12 and creates a VM.</li>
 * </ol>
 * The facts are read once per probe and the verdict is kept: the host does not change under a running JVM.
 * A fall-back to TCG is logged once at WARN with the reason.
 */
public final class AcceleratorProbe {
    private static final Logger LOG = LoggerFactory.getLogger(AcceleratorProbe.class);

    /** The kernel module that serves /dev/kvm with the PVM backend. */
    public static final String PVM_MODULE = "kvm_pvm";

    private static final class HostHolder {
        static final AcceleratorProbe HOST = new AcceleratorProbe(HostFacts.host());
    }

    private final HostFacts facts;
    private final AtomicBoolean warned = new AtomicBoolean();
    private volatile AcceleratorVerdict detected;

    /** A probe that decides from the given facts (tests feed made-up hosts through this). */
    public AcceleratorProbe(HostFacts facts) {
        this.facts = Objects.requireNonNull(facts, "facts");
    }

    /** The probe of this host, shared by the JVM, so the WARN on fall-back is said once. */
    public static AcceleratorProbe host() {
        return HostHolder.HOST;
    }

    /**
     * The best accelerator this host can boot a stock guest with, and why. Does not log; see
     * {@link #resolve(Accelerator)}.
     */
    public AcceleratorVerdict detect() {
        AcceleratorVerdict v = detected;
        if (v == null) {
            v = decide();
            detected = v;
        }
        return v;
    }

    /**
     * The accelerator for a request: {@link Accelerator#AUTO} gets {@link #detect()} (a fall-back to TCG is logged
     * once at WARN); {@link Accelerator#TCG} is always granted; {@link Accelerator#KVM} is granted only when
     * {@link #detect()} chose KVM.
     *
     * @throws AcceleratorUnavailableException when KVM is requested and cannot boot a stock guest here
     */
    public AcceleratorVerdict resolve(Accelerator requested) {
        Objects.requireNonNull(requested, "requested");
        switch (requested) {
            case TCG:
                return AcceleratorVerdict.tcg("TCG was requested");
            case KVM: {
                AcceleratorVerdict v = detect();
                if (!v.isKvm()) {
                    throw new AcceleratorUnavailableException(requested, v.reason());
                }
                return v;
            }
            case AUTO:
            default: {
                AcceleratorVerdict v = detect();
                if (!v.isKvm() && warned.compareAndSet(false, true)) {
                    LOG.warn("Running VMs under TCG (software emulation, much slower than KVM): {}", v.reason());
                }
                return v;
            }
        }
    }

    private AcceleratorVerdict decide() {
        List<String> problems = new ArrayList<>();
        if (facts.kernelModules().contains(PVM_MODULE)) {
            problems.add("/dev/kvm is served by the PVM backend (kernel module " + PVM_MODULE
                    + "), which cannot boot a stock guest kernel");
        }
        Set<String> flags = cpuFlags(facts.cpuinfo());
        if (!flags.contains("vmx") && !flags.contains("svm")) {
            problems.add(facts.cpuinfo().isBlank()
                    ? "/proc/cpuinfo could not be read, so hardware virtualisation (vmx/svm) cannot be confirmed"
                    : "the CPU flags in /proc/cpuinfo have neither vmx nor svm (no hardware virtualisation)");
        }
        if (!problems.isEmpty()) {
            return AcceleratorVerdict.tcg(String.join("; ", problems));
        }
        KvmCheckResult kvm;
        try {
            kvm = facts.kvm().check();
        } catch (RuntimeException e) {
            kvm = KvmCheckResult.unusable("checking /dev/kvm failed: " + e);
        }
        if (!kvm.usable()) {
            return AcceleratorVerdict.tcg(kvm.detail());
        }
        String cpu = flags.contains("vmx") ? "vmx" : "svm";
        return AcceleratorVerdict.kvm("the CPU has " + cpu + " and " + kvm.detail());
    }

    /** The union of every {@code flags} line of {@code /proc/cpuinfo}. */
    static Set<String> cpuFlags(String cpuinfo) {
        Set<String> flags = new HashSet<>();
        for (String line : cpuinfo.split("\n")) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                continue;
            }
            String key = line.substring(0, colon).trim().toLowerCase(Locale.ROOT);
            if (key.equals("flags")) {
                flags.addAll(Arrays.asList(line.substring(colon + 1).trim().split("\\s+")));
            }
        }
        return flags;
    }
}
