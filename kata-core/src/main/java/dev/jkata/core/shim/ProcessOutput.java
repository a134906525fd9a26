package dev.jkata.core.shim;

/** Which of a process's output streams a read is for. */
public enum ProcessOutput {
    STDOUT,
    STDERR;

    /** The name a message uses: {@code stdout} or {@code stderr}. */
    @Override
    public String toString() { return name().toLowerCase(java.util.Locale.ROOT); }
}
