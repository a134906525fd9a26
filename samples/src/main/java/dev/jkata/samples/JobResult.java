package dev.jkata.samples;

import dev.jkata.api.ExitStatus;
import java.time.Duration;
import java.util.List;

/**
 * How a job ended.
 *
 * @param exitStatus the build script's exit status; after a timeout, that of the killed process (137, SIGKILL)
 * @param timedOut whether the job exceeded its time limit and was killed
 * @param duration from the script's start until it ended or was killed
 * @param log the job's output (standard output and error, interleaved as written), one entry per line
 * @param logTruncated whether lines past the runner's log limit were streamed but not kept here
 * @param end        why the job ended
 * @param stats      what the sandbox had used when the job ended, when the runner asked
 */
public record JobResult(ExitStatus exitStatus, boolean timedOut, Duration duration, List<String> log, boolean logTruncated,
                        End end, java.util.Optional<dev.jkata.api.SandboxStats> stats) {

    /** Why a job ended. */
    public enum End {
        /** Its script exited 0. */
        SUCCEEDED,
        /** Its script exited non-zero for reasons of its own. */
        FAILED,
        /** It ran past its time limit and was killed. */
        TIMED_OUT,
        /** The OOM killer ended it: its memory limit was too small. */
        OOM_KILLED,
        /** It filled its disk (ENOSPC) and failed. */
        DISK_FULL
    }

    public JobResult {
        log = List.copyOf(log);
    }

    JobResult(ExitStatus exitStatus, boolean timedOut, Duration duration, List<String> log, boolean logTruncated) {
        this(exitStatus, timedOut, duration, log, logTruncated, timedOut ? End.TIMED_OUT : exitStatus.oomKilled()
                ? End.OOM_KILLED : exitStatus.success() ? End.SUCCEEDED : End.FAILED, java.util.Optional.empty());
    }

    public int exitCode() {
        return exitStatus.code();
    }

    /** Finished in time with exit status 0. */
    public boolean succeeded() {
        return !timedOut && exitStatus.success();
    }

    /** The log as one text, a newline after each line. */
    public String logText() {
        StringBuilder sb = new StringBuilder();
        log.forEach(line -> sb.append(line).append('\n'));
        return sb.toString();
    }
}
