package dev.jkata.qemu.errors;

/** QEMU did not end: it is still alive well after SIGKILL (stuck in the kernel). */
public class QemuStopException extends QemuException {
    private static final long serialVersionUID = 1L;

    public QemuStopException(String message) {
        super(message, null);
    }
}
