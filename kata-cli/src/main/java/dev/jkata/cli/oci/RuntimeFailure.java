package dev.jkata.cli.oci;

/**
 * A failure kata-runtime reports the way runc does: a message on standard error (and in {@code --log}), exit code 1.
 * The message says what was wrong and what to do.
 */
class RuntimeFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    RuntimeFailure(String message) {
        super(message);
    }

    RuntimeFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
