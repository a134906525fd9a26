package dev.jkata.api;

/**
 * How a process ended. A process killed by signal N reports code 128+N, as a shell does.
 *
 * @param code the exit code, 0–255
 */
public record ExitStatus(int code) {
    public ExitStatus {
        if (code < 0 || code > 255) {
            throw new IllegalArgumentException("exit code out of range 0..255: " + code);
        }
    }

    public static ExitStatus of(int code) { return new ExitStatus(code); }

    public boolean success() { return code == 0; }

    /** True when the code says the process was killed by a signal (128+N). */
    public boolean signaled() { return code > 128 && code < 128 + 65; }

    /** The signal number when {@link #signaled()}, otherwise 0. */
    public int signal() { return signaled() ? code - 128 : 0; }

    @Override
    public String toString() {
        return signaled() ? "exit " + code + " (signal " + signal() + ")" : "exit " + code;
    }
}
