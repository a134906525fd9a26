package dev.jkata.qemu.errors;

/**
 * The root of every failure this module raises on purpose. Unchecked; each subclass says what happened, and callers
 * classify by subclass, never by message text:
 * <ul>
 *   <li>{@link InvalidQemuConfigException}: a config or device the launcher was given cannot work;</li>
 *   <li>{@link MissingHostToolException}: QEMU or setpriv is not installed;</li>
 *   <li>{@link dev.jkata.qemu.accel.AcceleratorUnavailableException}: KVM was demanded where it cannot work;</li>
 *   <li>{@link QemuLaunchException}: QEMU did not start, with its stderr;</li>
 *   <li>{@link dev.jkata.qemu.qmp.QmpException}: the machine protocol failed or QEMU answered with an error;</li>
 *   <li>{@link QemuTimeoutException}: a deadline passed waiting on QEMU;</li>
 *   <li>{@link dev.jkata.qemu.migration.DeviceStateException}: a device state could not be saved or loaded;</li>
 *   <li>{@link QemuStateException}: the call does not fit the VM's state (exited, run directory in use);</li>
 *   <li>{@link QemuStopException}: QEMU did not end, even after SIGKILL;</li>
 *   <li>{@link QemuIoException}: a file QEMU needs on the host could not be prepared.</li>
 * </ul>
 * Arguments only our own code builds (a port name, a MAC address, a negative grace) fail with
 * {@link IllegalArgumentException} instead: they are bugs, not failures.
 */
public abstract class QemuException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    protected QemuException(String message, Throwable cause) {
        super(message, cause);
    }
}
