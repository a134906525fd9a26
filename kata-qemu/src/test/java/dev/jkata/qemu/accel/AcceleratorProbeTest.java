package dev.jkata.qemu.accel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.api.Accelerator;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AcceleratorProbeTest {
    static final String INTEL = "processor\t: 0\nvendor_id\t: GenuineIntel\nflags\t\t: fpu vme de pse vmx sse2\n\n"
            + "processor\t: 1\nflags\t\t: fpu vme de pse vmx sse2\n";
    static final String AMD = "processor\t: 0\nflags\t\t: fpu svm sse2\n";
    static final String NO_VIRT = "processor\t: 0\nflags\t\t: fpu vme de pse sse2 hypervisor\n";
    static final Set<String> KVM_INTEL = Set.of("kvm", "kvm_intel", "vfio");
    static final Set<String> PVM = Set.of("kvm", "kvm_pvm");

    final AtomicInteger kvmCalls = new AtomicInteger();

    KvmCheck kvm(KvmCheckResult r) {
        return () -> {
            kvmCalls.incrementAndGet();
            return r;
        };
    }

    KvmCheck goodKvm() {
        return kvm(KvmCheckResult.usable("/dev/kvm answers API version 12 and creates VMs"));
    }

    @Test
    void kvmWhenVmxAndTheDeviceWorks() {
        AcceleratorVerdict v = new AcceleratorProbe(new HostFacts(INTEL, KVM_INTEL, goodKvm())).detect();
        assertThat(v.accelerator()).isEqualTo(ResolvedAccelerator.KVM);
        assertThat(v.reason()).contains("vmx").contains("API version 12");
    }

    @Test
    void kvmOnAmd() {
        AcceleratorVerdict v = new AcceleratorProbe(new HostFacts(AMD, Set.of("kvm", "kvm_amd"), goodKvm())).detect();
        assertThat(v.isKvm()).isTrue();
        assertThat(v.reason()).contains("svm");
    }

    @Test
    void pvmBackendMeansTcgEvenWhenTheIoctlsSucceed() {
        AcceleratorVerdict v = new AcceleratorProbe(new HostFacts(INTEL, PVM, goodKvm())).detect();
        assertThat(v.accelerator()).isEqualTo(ResolvedAccelerator.TCG);
        assertThat(v.reason()).contains("PVM").contains("kvm_pvm");
        assertThat(kvmCalls).hasValue(0);
    }

    @Test
    void thisKindOfHostPvmWithoutVmxGivesBothReasons() {
        AcceleratorVerdict v = new AcceleratorProbe(new HostFacts(NO_VIRT, PVM, goodKvm())).detect();
        assertThat(v.accelerator()).isEqualTo(ResolvedAccelerator.TCG);
        assertThat(v.reason()).contains("kvm_pvm").contains("neither vmx nor svm");
    }

    @Test
    void noVirtualisationFlagsMeansTcgWithoutTouchingTheDevice() {
        AcceleratorVerdict v = new AcceleratorProbe(new HostFacts(NO_VIRT, KVM_INTEL, goodKvm())).detect();
        assertThat(v.accelerator()).isEqualTo(ResolvedAccelerator.TCG);
        assertThat(v.reason()).contains("neither vmx nor svm");
        assertThat(kvmCalls).hasValue(0);
    }

    @Test
    void flagsAreMatchedAsWholeWords() {
        String tricky = "flags\t\t: fpu vmx_ept svm_lock\n";
        assertThat(new AcceleratorProbe(new HostFacts(tricky, KVM_INTEL, goodKvm())).detect().isKvm()).isFalse();
    }

    @Test
    void unreadableCpuinfoMeansTcg() {
        AcceleratorVerdict v = new AcceleratorProbe(new HostFacts("", KVM_INTEL, goodKvm())).detect();
        assertThat(v.isKvm()).isFalse();
        assertThat(v.reason()).contains("could not be read");
    }

    @Test
    void deviceThatWillNotOpenMeansTcgWithTheDevicesReason() {
        KvmCheck denied = kvm(KvmCheckResult.unusable("open /dev/kvm failed: errno 13 (Permission denied)"));
        AcceleratorVerdict v = new AcceleratorProbe(new HostFacts(INTEL, KVM_INTEL, denied)).detect();
        assertThat(v.isKvm()).isFalse();
        assertThat(v.reason()).isEqualTo("open /dev/kvm failed: errno 13 (Permission denied)");
    }

    @Test
    void aThrowingDeviceCheckMeansTcg() {
        KvmCheck broken = () -> {
            throw new IllegalStateException("boom");
        };
        assertThat(new AcceleratorProbe(new HostFacts(INTEL, KVM_INTEL, broken)).detect().isKvm()).isFalse();
    }

    @Test
    void theVerdictIsComputedOnce() {
        AcceleratorProbe p = new AcceleratorProbe(new HostFacts(INTEL, KVM_INTEL, goodKvm()));
        p.detect();
        p.resolve(Accelerator.AUTO);
        p.resolve(Accelerator.KVM);
        assertThat(kvmCalls).hasValue(1);
    }

    @Test
    void autoFollowsTheDetection() {
        assertThat(new AcceleratorProbe(new HostFacts(INTEL, KVM_INTEL, goodKvm())).resolve(Accelerator.AUTO).isKvm()).isTrue();
        assertThat(new AcceleratorProbe(new HostFacts(NO_VIRT, PVM, goodKvm())).resolve(Accelerator.AUTO).isKvm()).isFalse();
    }

    @Test
    void tcgIsAlwaysGranted() {
        AcceleratorVerdict v = new AcceleratorProbe(new HostFacts(INTEL, KVM_INTEL, goodKvm())).resolve(Accelerator.TCG);
        assertThat(v.accelerator()).isEqualTo(ResolvedAccelerator.TCG);
        assertThat(v.reason()).contains("requested");
    }

    @Test
    void forcingKvmWhereItCannotWorkFailsFastWithTheReason() {
        AcceleratorProbe p = new AcceleratorProbe(new HostFacts(NO_VIRT, PVM, goodKvm()));
        assertThatThrownBy(() -> p.resolve(Accelerator.KVM))
                .isInstanceOfSatisfying(AcceleratorUnavailableException.class,
                        e -> assertThat(e.why()).contains("kvm_pvm"))
                .hasMessageContaining("KVM was requested");
    }

    @Test
    void forcingKvmWhereItWorks() {
        assertThat(new AcceleratorProbe(new HostFacts(AMD, KVM_INTEL, goodKvm())).resolve(Accelerator.KVM).isKvm()).isTrue();
    }

    @Test
    void cpuFlagsAreTheUnionOfEveryFlagsLine() {
        assertThat(AcceleratorProbe.cpuFlags(INTEL)).contains("vmx", "sse2", "fpu").doesNotContain("GenuineIntel");
    }
}
