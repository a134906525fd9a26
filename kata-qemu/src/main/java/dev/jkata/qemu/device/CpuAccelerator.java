package dev.jkata.qemu.device;

import dev.jkata.api.MemorySize;
import dev.jkata.qemu.errors.InvalidQemuConfigException;
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
        requireTranslationCache(tcgTranslationCache);
    }

    public static CpuAccelerator kvm() {
        return new CpuAccelerator(ResolvedAccelerator.KVM, MemorySize.ofMiB(128));
    }

    public static CpuAccelerator tcg(MemorySize translationCache) {
        return new CpuAccelerator(ResolvedAccelerator.TCG, translationCache);
    }

    /**
     * The one check of a TCG translation cache size: a positive whole number of MiB. A config checks its size
     * with this before it knows which accelerator it will get.
     *
     * @throws InvalidQemuConfigException for field {@code tcgTranslationCache}
     */
    public static MemorySize requireTranslationCache(MemorySize size) {
        if (size == null || size.toMiB() < 1 || size.toBytes() % (1L << 20) != 0) {
            throw new InvalidQemuConfigException("tcgTranslationCache",
                    "must be a positive whole number of MiB, was " + size);
        }
        return size;
    }

    @Override
    public List<String> args() {
        if (accelerator == ResolvedAccelerator.KVM) {
            return List.of("-accel", "kvm", "-cpu", "host");
        }
        return List.of("-accel", "tcg,thread=multi,tb-size=" + tcgTranslationCache.toMiB(), "-cpu", "max");
    }
}
