package dev.jkata.core.qemu;

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
import dev.jkata.qemu.errors.QemuStateException;
import dev.jkata.qemu.errors.QemuTimeoutException;
import dev.jkata.qemu.accel.AcceleratorUnavailableException;
import dev.jkata.qemu.qmp.QmpException;
import java.util.function.Supplier;

/**
 * The one place kata-qemu's failures become this library's typed exceptions. Every call this package makes into
 * kata-qemu runs through {@link #call(Supplier)} or {@link #run(Runnable)}, so a user of kata-core sees only
 * {@link KataException}s. The message is kata-qemu's own and the {@link QemuException} stays the cause:
 * <ul>
 *   <li>{@link InvalidQemuConfigException}: {@link InvalidConfigurationException} for the same field;</li>
 *   <li>{@link MissingHostToolException}: {@link MissingHostDependencyException} with the same fix;</li>
 *   <li>{@link AcceleratorUnavailableException}: {@link KataErrorReason#ACCELERATOR_UNAVAILABLE};</li>
 *   <li>{@link QemuTimeoutException}: {@link KataTimeoutException} waiting on the hypervisor;</li>
 *   <li>{@link QmpException}: {@link KataErrorReason#QMP_FAILED};</li>
 *   <li>{@link QemuStateException}: {@link KataErrorReason#ILLEGAL_STATE} of the hypervisor;</li>
 *   <li>{@link QemuIoException}: {@link KataErrorReason#IO};</li>
 *   <li>anything else (a failed launch, device state, a QEMU that will not die):
 *       {@link KataErrorReason#HYPERVISOR_FAILED}.</li>
 * </ul>
 */
final class QemuErrors {
    private QemuErrors() {}

    /** The {@link KataException} a caller of kata-core sees for {@code e}. */
    static KataException map(QemuException e) {
        if (e instanceof InvalidQemuConfigException c) {
            return new InvalidConfigurationException(c.field(), c.problem(), c);
        }
        if (e instanceof MissingHostToolException m) {
            return new MissingHostDependencyException(m.tool(), m.fixCommand(), m);
        }
        if (e instanceof AcceleratorUnavailableException) {
            return new KataException(KataErrorReason.ACCELERATOR_UNAVAILABLE, e.getMessage(), e);
        }
        if (e instanceof QemuTimeoutException t) {
            return new KataTimeoutException(KataErrorSource.HYPERVISOR, t.what(), t.timeout(), t);
        }
        if (e instanceof QmpException) {
            return new KataException(KataErrorReason.QMP_FAILED, e.getMessage(), e);
        }
        if (e instanceof QemuStateException) {
            return new KataException(KataErrorReason.ILLEGAL_STATE, KataErrorCode.FAILED_PRECONDITION,
                    KataErrorSource.HYPERVISOR, e.getMessage(), null, e);
        }
        if (e instanceof QemuIoException) {
            return new KataException(KataErrorReason.IO, e.getMessage(), e);
        }
        return new KataException(KataErrorReason.HYPERVISOR_FAILED, e.getMessage(), e);
    }

    /** Runs {@code body}, mapping a {@link QemuException} it throws. */
    static <T> T call(Supplier<T> body) {
        try {
            return body.get();
        } catch (QemuException e) {
            throw map(e);
        }
    }

    /** Runs {@code body}, mapping a {@link QemuException} it throws. */
    static void run(Runnable body) {
        try {
            body.run();
        } catch (QemuException e) {
            throw map(e);
        }
    }
}
