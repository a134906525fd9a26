package dev.jkata.api;

/**
 * How a process ended. A process killed by signal N reports code 128+N, as a shell does.
 *
 * @param code      the exit code, 0–255
 * @param oomKilled whether its container's OOM killer ended it ({@code docker inspect}'s {@code OOMKilled}): it died of
 *                  SIGKILL (137) while the container's cgroup counted an OOM kill. Always false from an agent that
 *                  does not say (the upstream Kata agent).
 */
public record ExitStatus(int code, boolean oomKilled) {
    public ExitStatus {
        if (code < 0 || code > 255) {
            throw new IllegalArgumentException("exit code out of range 0..255: " + code);
        }
        if (oomKilled && code != 128 + 9) {
            throw new IllegalArgumentException("an OOM kill is a SIGKILL (137), not exit " + code);
        }
    }

    public ExitStatus(int code) {
        this(code, false);
    }

    public static ExitStatus of(int code) { return new ExitStatus(code); }

    public boolean success() { return code == 0; }

    /** True when the code says the process was killed by a signal (128+N). */
    public boolean signaled() { return code > 128 && code < 128 + 65; }

    /** The signal number when {@link #signaled()}, otherwise 0. */
    public int signal() { return signaled() ? code - 128 : 0; }

    @Override
    public String toString() {
        return oomKilled ? "exit " + code + " (killed by the OOM killer)"
                : signaled() ? "exit " + code + " (signal " + signal() + ")" : "exit " + code;
    }
}
