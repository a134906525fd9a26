package dev.jkata.core.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.api.Accelerator;
import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.KataErrorCode;
import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataErrorSource;
import dev.jkata.api.KataException;
import dev.jkata.api.KataTimeoutException;
import dev.jkata.api.MissingHostDependencyException;
import dev.jkata.qemu.errors.InvalidQemuConfigException;
import dev.jkata.qemu.errors.MissingHostToolException;
import dev.jkata.qemu.errors.QemuException;
import dev.jkata.qemu.errors.QemuIoException;
import dev.jkata.qemu.errors.QemuLaunchException;
import dev.jkata.qemu.errors.QemuStateException;
import dev.jkata.qemu.errors.QemuStopException;
import dev.jkata.qemu.errors.QemuTimeoutException;
import dev.jkata.qemu.accel.AcceleratorUnavailableException;
import dev.jkata.qemu.migration.DeviceStateException;
import dev.jkata.qemu.qmp.QmpException;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

class QemuErrorsTest {

    @Test
    void anInvalidConfigIsTheCallersConfigurationError() {
        KataException k = mapped(new InvalidQemuConfigException("cpus", "must be positive, was 0"));
        assertThat(k).isInstanceOfSatisfying(InvalidConfigurationException.class,
                e -> assertThat(e.field()).isEqualTo("cpus")).hasMessage("cpus: must be positive, was 0");
        assertAxes(k, KataErrorReason.INVALID_CONFIGURATION, KataErrorCode.INVALID_ARGUMENT, KataErrorSource.CONFIGURATION);
    }

    @Test
    void aMissingToolKeepsItsFix() {
        KataException k = mapped(new MissingHostToolException("setpriv", "sudo apt-get install -y util-linux"));
        assertThat(k).isInstanceOfSatisfying(MissingHostDependencyException.class, e -> {
            assertThat(e.what()).isEqualTo("setpriv");
            assertThat(e.fixCommand()).isEqualTo("sudo apt-get install -y util-linux");
        });
        assertAxes(k, KataErrorReason.MISSING_HOST_DEPENDENCY, KataErrorCode.FAILED_PRECONDITION, KataErrorSource.HOST);
    }

    @Test
    void anUnavailableAcceleratorIsTheHosts() {
        KataException k = mapped(new AcceleratorUnavailableException(Accelerator.KVM, "no vmx"));
        assertThat(k).hasMessageContaining("KVM was requested").hasMessageContaining("no vmx");
        assertAxes(k, KataErrorReason.ACCELERATOR_UNAVAILABLE, KataErrorCode.FAILED_PRECONDITION, KataErrorSource.HOST);
    }

    @Test
    void aDeadlineIsATimeoutOfTheHypervisor() {
        KataException k = mapped(new QemuTimeoutException("QEMU did not answer 'stop'", Duration.ofSeconds(3)));
        assertThat(k).isInstanceOfSatisfying(KataTimeoutException.class,
                e -> assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(3)))
                .hasMessage("QEMU did not answer 'stop' (deadline PT3S)");
        assertThat(k.retryable()).isTrue();
        assertAxes(k, KataErrorReason.TIMEOUT, KataErrorCode.DEADLINE_EXCEEDED, KataErrorSource.HYPERVISOR);
    }

    @Test
    void aQmpFailureStaysOne() {
        KataException k = mapped(new QmpException("QMP command 'stop' failed: GenericError: no", "GenericError", null));
        assertThat(k).hasMessage("QMP command 'stop' failed: GenericError: no");
        assertAxes(k, KataErrorReason.QMP_FAILED, KataErrorCode.INTERNAL, KataErrorSource.HYPERVISOR);
    }

    @Test
    void aCallTheVmsStateDoesNotAllowIsIllegalState() {
        KataException k = mapped(new QemuStateException("QEMU pid 7 has exited"));
        assertAxes(k, KataErrorReason.ILLEGAL_STATE, KataErrorCode.FAILED_PRECONDITION, KataErrorSource.HYPERVISOR);
    }

    @Test
    void aHostFileFailureIsIo() {
        KataException k = mapped(new QemuIoException("cannot prepare run directory /r", new IOException("full")));
        assertAxes(k, KataErrorReason.IO, KataErrorCode.INTERNAL, KataErrorSource.HOST);
    }

    @Test
    void launchDeviceStateAndStopFailuresAreTheHypervisors() {
        List<QemuException> failures = List.of(
                new QemuLaunchException("QEMU failed to start", OptionalInt.of(1), List.of("bad option"), null),
                new DeviceStateException("QEMU's migration failed: no"),
                new QemuStopException("QEMU pid 7 is still alive 10 s after SIGKILL"));
        for (QemuException e : failures) {
            KataException k = mapped(e);
            assertThat(k.getClass()).isEqualTo(KataException.class);
            assertThat(k).hasMessage(e.getMessage());
            assertAxes(k, KataErrorReason.HYPERVISOR_FAILED, KataErrorCode.INTERNAL, KataErrorSource.HYPERVISOR);
        }
    }

    @Test
    void callAndRunMapOnlyQemusFailures() {
        QmpException qmp = new QmpException("closed");
        assertThatThrownBy(() -> QemuErrors.call(() -> { throw qmp; }))
                .isInstanceOfSatisfying(KataException.class, e -> assertThat(e.getCause()).isSameAs(qmp));
        assertThatThrownBy(() -> QemuErrors.run(() -> { throw qmp; })).hasCauseReference(qmp);
        IllegalArgumentException bug = new IllegalArgumentException("a MAC address is ...");
        assertThatThrownBy(() -> QemuErrors.run(() -> { throw bug; })).isSameAs(bug);
        KataException already = new KataException(KataErrorReason.IMAGE_FAILED, "no image");
        assertThatThrownBy(() -> QemuErrors.call(() -> { throw already; })).isSameAs(already);
        assertThat(QemuErrors.call(() -> "ok")).isEqualTo("ok");
    }

    private static KataException mapped(QemuException e) {
        KataException k = QemuErrors.map(e);
        assertThat(k).hasCauseReference(e);
        assertThat(k.sandboxId()).isEmpty();
        return k;
    }

    private static void assertAxes(KataException k, KataErrorReason reason, KataErrorCode code, KataErrorSource source) {
        assertThat(k.reason()).isEqualTo(reason);
        assertThat(k.code()).isEqualTo(code);
        assertThat(k.source()).isEqualTo(source);
    }
}
