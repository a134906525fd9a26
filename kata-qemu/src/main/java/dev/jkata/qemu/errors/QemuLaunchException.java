package dev.jkata.qemu.errors;

import java.util.List;
import java.util.OptionalInt;

/**
 * QEMU could not be started: it exited during start-up (a bad option, an unusable file), never opened its QMP
 * socket, or did not answer QMP. The message carries QEMU's own stderr; {@link #stderr()} has it as lines; the
 * cause, when there is one, is what gave the failure away (a {@link QemuTimeoutException}, a
 * {@link dev.jkata.qemu.qmp.QmpException}).
 */
public class QemuLaunchException extends QemuException {
    private static final long serialVersionUID = 1L;

    private final List<String> stderr;
    private final Integer exitCode;

    public QemuLaunchException(String message, OptionalInt exitCode, List<String> stderr, Throwable cause) {
        super(message + describe(exitCode, stderr), cause);
        this.stderr = List.copyOf(stderr);
        this.exitCode = exitCode.isPresent() ? exitCode.getAsInt() : null;
    }

    /** The last lines QEMU wrote to stderr before the failure. */
    public List<String> stderr() { return stderr; }

    /** QEMU's exit code, when it exited by itself. */
    public OptionalInt exitCode() { return exitCode == null ? OptionalInt.empty() : OptionalInt.of(exitCode); }

    private static String describe(OptionalInt exitCode, List<String> stderr) {
        StringBuilder sb = new StringBuilder();
        exitCode.ifPresent(c -> sb.append(" (QEMU exit code ").append(c).append(')'));
        sb.append(stderr.isEmpty() ? "; QEMU wrote nothing to stderr" : "; QEMU said:\n  " + String.join("\n  ", stderr));
        return sb.toString();
    }
}
