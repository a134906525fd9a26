package dev.jkata.qemu.errors;

/** The call does not fit the VM's state: QEMU has exited, or a live QEMU already uses the run directory. */
public class QemuStateException extends QemuException {
    private static final long serialVersionUID = 1L;

    public QemuStateException(String message) {
        super(message, null);
    }
}
