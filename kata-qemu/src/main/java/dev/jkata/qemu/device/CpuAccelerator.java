package dev.jkata.qemu.device;

import dev.jkata.api.MemorySize;
import dev.jkata.qemu.accel.ResolvedAccelerator;
import java.util.List;
import java.util.Objects;

/**
 * The accelerator and the CPU model that goes with it.
 * KVM: {@code -accel kvm -cpu host}. TCG: {@code -accel tcg,thread=multi,tb-size=<MiB> -cpu max}; the translation
 * block cache is bounded because TCG's default grows to a quarter of guest RAM or more.
 *
 * @param accelerator      KVM or TCG
 * @param tcgTranslationCache the TCG translation block cache size, whole MiB (ignored for KVM)
 */
public record CpuAccelerator(ResolvedAccelerator accelerator, MemorySize tcgTranslationCache) implements QemuDevice {
    public CpuAccelerator {
        Objects.requireNonNull(accelerator, "accelerator");
        Objects.requireNonNull(tcgTranslationCache, "tcgTranslationCache");
        if (tcgTranslationCache.toMiB() < 1 || tcgTranslationCache.toBytes() % (1L << 20) != 0) {
            throw new IllegalArgumentException("tcgTranslationCache must be a positive whole number of MiB: " + tcgTranslationCache);
        }
    }

    public static CpuAccelerator kvm() {
        return new CpuAccelerator(ResolvedAccelerator.KVM, MemorySize.ofMiB(128));
    }

    public static CpuAccelerator tcg(MemorySize translationCache) {
        return new CpuAccelerator(ResolvedAccelerator.TCG, translationCache);
    }

    @Override
    public List<String> args() {
        if (accelerator == ResolvedAccelerator.KVM) {
            return List.of("-accel", "kvm", "-cpu", "host");
        }
        return List.of("-accel", "tcg,thread=multi,tb-size=" + tcgTranslationCache.toMiB(), "-cpu", "max");
    }
}
