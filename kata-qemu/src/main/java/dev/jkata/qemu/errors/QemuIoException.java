package dev.jkata.qemu.errors;

import java.io.IOException;

/** A file QEMU needs on the host could not be prepared (the run directory, a stale socket or pid file). */
public class QemuIoException extends QemuException {
    private static final long serialVersionUID = 1L;

    public QemuIoException(String message, IOException cause) {
        super(message, cause);
    }
}
