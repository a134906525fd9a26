package dev.jkata.api;

import java.nio.charset.StandardCharsets;

/**
 * A finished command: its exit status and its captured output. {@link #truncated()} says whether anything may
 * be missing: output past {@link ExecSpec#captureLimit()}, or output still open when the wait after the exit
 * ended (a background process the command left holds its streams), or output whose reading failed before its end
 * (the agent or the sandbox lost it). A result not marked truncated holds all of the command's output.
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
