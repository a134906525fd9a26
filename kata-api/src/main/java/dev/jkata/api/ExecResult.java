package dev.jkata.api;

import java.nio.charset.StandardCharsets;

/**
 * A finished command: its exit status and its captured output. Capture is capped (see
 * {@link ExecSpec#captureLimit()}); {@link #truncated()} says whether anything was cut.
 */
public record ExecResult(ExitStatus exitStatus, byte[] stdoutBytes, byte[] stderrBytes, boolean truncated) {

    public int exitCode() { return exitStatus.code(); }

    public boolean success() { return exitStatus.success(); }

    /** Standard output as UTF-8 text. */
    public String stdout() { return new String(stdoutBytes, StandardCharsets.UTF_8); }

    /** Standard error as UTF-8 text. */
    public String stderr() { return new String(stderrBytes, StandardCharsets.UTF_8); }

    @Override
    public String toString() {
        return "ExecResult[" + exitStatus + ", stdout " + stdoutBytes.length + " bytes, stderr " + stderrBytes.length
                + " bytes" + (truncated ? ", truncated" : "") + "]";
    }
}
