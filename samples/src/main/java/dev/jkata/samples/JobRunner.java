package dev.jkata.samples;

import dev.jkata.api.ExecProcess;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.ExitStatus;
import dev.jkata.api.OutputLines;
import dev.jkata.api.InvalidConfigurationException;
import dev.jkata.api.KataException;
import dev.jkata.api.KataTimeoutException;
import dev.jkata.api.MemorySize;
import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs an untrusted build job, a directory holding a {@code build.sh}, inside a sandbox: the pattern a build
 * server embeds.
 *
 * <p>The limits: the VM's memory and virtual CPUs bound what the job can use, and a time limit ends it. The
 * job has <strong>no network</strong>: the sandbox's VM has no network device at all, so there is nothing to
 * configure or to get wrong. The job directory is shared into the guest <strong>read-only</strong>; the script
 * runs in a writable copy of it under {@code /work} (on the sandbox's disk), so the job can neither change the
 * host's copy nor see the host's other files. {@link #run(Path, Path)} shares nothing: it copies the sources in and
 * the artifacts out through the file API, and says why the job ended ({@link JobResult.End}) and what it used.
 *
 * <p>Its output (standard output and error, interleaved as written) is streamed line by line to the log
 * consumer while the job runs, and kept (up to a limit) in the {@link JobResult}.
 *
 * <pre>{@code
 * JobRunner runner = JobRunner.builder().memory(MemorySize.ofMiB(512)).cpus(1)
 *         .timeLimit(Duration.ofMinutes(10)).log(System.out::println).build();
 * JobResult r = runner.run(Path.of("jobs/42"));     // boots a sandbox, runs jobs/42/build.sh, closes it
 * }</pre>
 *
 * To run several jobs in one VM (a boot costs seconds), start the sandbox with {@link #sandbox(Path, String)}
 * sharing a directory of jobs and call {@link #run(Sandbox, String, Duration)} for each.
 */
public final class JobRunner {
    private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

    /** The script a job directory must hold. */
    public static final String SCRIPT = "build.sh";
    /** Where {@link #run(Path)} shares the job directory in the guest. */
    public static final String GUEST_JOB_DIR = "/job";
    /** Every process of a job carries this variable, so a timed-out job can be ended as a whole. */
    static final String JOB_MARKER = "JKATA_JOB";

    /**
     * Copies the job ($1) to a fresh writable directory /work/ID ($2) and runs its script there; stderr joins
     * stdout so the log keeps the order in which lines were written.
     */
    private static final String RUN_SCRIPT = String.join("\n",
            "exec 2>&1",
            "work=\"/work/$2\"",
            "mkdir -p \"$work\" && cp -r \"$1\"/. \"$work\" && cd \"$work\" && exec sh ./" + SCRIPT);

    /** Kills with SIGKILL every process whose environment carries the job's marker ($1). */
    private static final String KILL_SCRIPT = String.join("\n",
            "for d in /proc/[0-9]*; do",
            "  if tr '\\000' '\\n' 2>/dev/null < \"$d/environ\" | grep -qx \"" + JOB_MARKER + "=$1\"; then",
            "    kill -9 \"${d#/proc/}\" 2>/dev/null",
            "  fi",
            "done",
            "true");

    private static final Duration KILL_DEADLINE = Duration.ofSeconds(30);
    private static final Duration REAP_DEADLINE = Duration.ofSeconds(10);
    private static final long DRAIN_MILLIS = 10_000;
    private static final ExitStatus KILLED = ExitStatus.of(128 + 9);

    private final MemorySize memory;
    private final int cpus;
    private final Duration timeLimit;
    private final Consumer<String> log;
    private final MemorySize logLimit;
    private final MemorySize disk;
    private final java.util.Optional<MemorySize> jobMemory;

    private JobRunner(Builder b) {
        this.disk = b.disk;
        this.jobMemory = java.util.Optional.ofNullable(b.jobMemory);
        this.memory = b.memory;
        this.cpus = b.cpus;
        this.timeLimit = b.timeLimit;
        this.log = b.log;
        this.logLimit = b.logLimit;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * A sandbox builder with this runner's memory and CPUs, sharing {@code hostDir} read-only at
     * {@code guestDir}. The VM it starts has no network device.
     */
    public SandboxBuilder sandbox(Path hostDir, String guestDir) {
        return Sandbox.builder().memory(memory).cpus(cpus).share(hostDir, guestDir, true);
    }

    /**
     * Runs the job in {@code jobDir} in a sandbox of its own, which is closed (the VM stopped, everything
     * released) before this returns. The time limit counts from the script's start, not the VM's boot.
     *
     * @throws InvalidConfigurationException when {@code jobDir} holds no {@value #SCRIPT}
     */
    public JobResult run(Path jobDir) throws InterruptedException {
        if (!Files.isRegularFile(jobDir.resolve(SCRIPT))) {
            throw new InvalidConfigurationException("jobDir", jobDir + " holds no " + SCRIPT + " to run");
        }
        try (Sandbox sandbox = sandbox(jobDir, GUEST_JOB_DIR).start()) {
            return run(sandbox, GUEST_JOB_DIR, timeLimit);
        }
    }

    /** Where {@link #run(Path, Path)} copies a job's sources in the guest; its artifacts are {@code out/} below. */
    public static final String GUEST_WORK_DIR = "/work/job";
    /** The directory of a job's artifacts, relative to its working directory. */
    public static final String ARTIFACTS = "out";

    /**
     * A build job end to end, in a sandbox of its own: the sources in {@code jobDir} are copied in (nothing of the host
     * is shared), {@value #SCRIPT} runs under the time limit (and the sandbox under a deadline a minute past it, a guard
     * a build server cannot forget), with the job's memory limit in the guest, on the sandbox's disk; then its
     * {@value #ARTIFACTS}/ directory is copied to {@code artifactsTo} (whatever the status, when the job made one), and
     * the result says why it ended and what it used.
     */
    public JobResult run(Path jobDir, Path artifactsTo) throws InterruptedException {
        if (!Files.isRegularFile(jobDir.resolve(SCRIPT))) {
            throw new InvalidConfigurationException("jobDir", jobDir + " holds no " + SCRIPT + " to run");
        }
        SandboxBuilder b = Sandbox.builder().memory(memory).cpus(cpus).disk(disk).deadline(timeLimit.plusMinutes(1));
        try (Sandbox sandbox = b.start()) {
            jobMemory.ifPresent(m -> sandbox.container().update(dev.jkata.api.ResourceLimits.none().withMemory(m)));
            sandbox.files().copyTo(jobDir, GUEST_WORK_DIR);
            JobResult r = run(sandbox, ExecSpec.builder("sh", "-c", "exec 2>&1; cd \"$1\" && exec sh ./" + SCRIPT,
                    "jkata-job", GUEST_WORK_DIR), timeLimit);
            String out = GUEST_WORK_DIR + "/" + ARTIFACTS;
            if (sandbox.files().exists(out)) {
                sandbox.files().copyFrom(out, artifactsTo);
            }
            dev.jkata.api.SandboxStats used = sandbox.stats();
            JobResult.End end = r.end();
            if (end == JobResult.End.FAILED && (r.log().stream().anyMatch(l -> l.contains("No space left on device"))
                    || used.diskUsed().isPresent() && used.diskUsed().get().toBytes() * 100 >= used.diskSize().get().toBytes() * 98)) {
                end = JobResult.End.DISK_FULL;
            }
            LOG.info("Job in {}: {}; used {} of CPU, {} of memory at most, {} of disk", jobDir, end,
                    used.container().cpu(), used.container().memoryPeak(), used.diskUsed().orElse(MemorySize.ZERO));
            return new JobResult(r.exitStatus(), r.timedOut(), r.duration(), r.log(), r.logTruncated(), end,
                    java.util.Optional.of(used));
        }
    }

    /** Runs the job found at {@code guestJobDir} in a running sandbox, with this runner's time limit. */
    public JobResult run(Sandbox sandbox, String guestJobDir) throws InterruptedException {
        return run(sandbox, guestJobDir, timeLimit);
    }

    /**
     * Runs the job found at {@code guestJobDir} (a path inside the sandbox, e.g. a share) in a running sandbox,
     * in its own fresh copy under {@code /work}. Past {@code limit} the job's processes are killed and the result
     * says {@link JobResult#timedOut()}; the sandbox stays usable for the next job.
     */
    public JobResult run(Sandbox sandbox, String guestJobDir, Duration limit) throws InterruptedException {
        Objects.requireNonNull(limit, "limit");
        String jobId = "job-" + String.format("%08x", ThreadLocalRandom.current().nextInt());
        return run(sandbox, ExecSpec.builder("sh", "-c", RUN_SCRIPT, "jkata-job", guestJobDir, jobId), limit, jobId);
    }

    private JobResult run(Sandbox sandbox, ExecSpec.Builder command, Duration limit) throws InterruptedException {
        return run(sandbox, command, limit, "job-" + String.format("%08x", ThreadLocalRandom.current().nextInt()));
    }

    private JobResult run(Sandbox sandbox, ExecSpec.Builder command, Duration limit, String jobId) throws InterruptedException {
        ExecSpec spec = command.env(JOB_MARKER, jobId).build();
        KeptLog kept = new KeptLog(log, logLimit.toBytes());
        LOG.info("Job {}: running {} in sandbox {} (time limit {})", jobId, SCRIPT, sandbox.id(), limit);
        long t0 = System.nanoTime();
        try (ExecProcess p = sandbox.exec(spec)) {
            closeStdin(p);
            OutputLines lines = p.lines(line -> kept.accept(line.text()));
            ExitStatus status;
            boolean timedOut = false;
            try {
                status = p.waitFor(limit);
            } catch (KataTimeoutException e) {
                timedOut = true;
                status = kill(sandbox, p, jobId);
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            if (!lines.await(Duration.ofMillis(DRAIN_MILLIS))) {
                LOG.warn("Job {}: its output did not end {} ms after the job did; the rest is dropped", jobId, DRAIN_MILLIS);
            }
            LOG.info("Job {}: {} after {} ms", jobId, timedOut ? "killed at its time limit" : status, took.toMillis());
            return new JobResult(status, timedOut, took, kept.lines(), kept.truncated());
        }
    }

    /** Ends a job that ran out of time: the script's process first, then every process that carries its marker. */
    private static ExitStatus kill(Sandbox sandbox, ExecProcess p, String jobId) throws InterruptedException {
        try {
            p.signal(9);
        } catch (KataException e) {
            LOG.debug("Job {}: SIGKILL to its script failed: {}", jobId, e.getMessage());
        }
        try {
            sandbox.run(ExecSpec.builder("sh", "-c", KILL_SCRIPT, "jkata-kill", jobId).timeout(KILL_DEADLINE).build());
        } catch (KataException e) {
            LOG.warn("Job {}: killing its remaining processes failed: {}", jobId, e.getMessage());
        }
        try {
            return p.waitFor(REAP_DEADLINE);
        } catch (KataTimeoutException e) {
            return KILLED;
        }
    }

    private static void closeStdin(ExecProcess p) {
        try {
            p.stdin().close();
        } catch (IOException e) {
            LOG.debug("closing the job's stdin failed: {}", e.getMessage());
        }
    }

    /** Streams each line to the runner's consumer and keeps lines until the limit is reached. */
    private static final class KeptLog implements Consumer<String> {
        private final Consumer<String> sink;
        private final long limit;
        private final List<String> lines = new ArrayList<>();
        private long bytes;
        private boolean truncated;

        KeptLog(Consumer<String> sink, long limit) {
            this.sink = sink;
            this.limit = limit;
        }

        @Override
        public synchronized void accept(String line) {
            sink.accept(line);
            long size = line.getBytes(StandardCharsets.UTF_8).length + 1L;
            if (bytes + size <= limit) {
                lines.add(line);
                bytes += size;
            } else {
                truncated = true;
            }
        }

        synchronized List<String> lines() {
            return List.copyOf(lines);
        }

        synchronized boolean truncated() {
            return truncated;
        }
    }

    /** Configures a {@link JobRunner}; every setting has a default. */
    public static final class Builder {
        private MemorySize memory = MemorySize.ofMiB(512);
        private int cpus = 1;
        private Duration timeLimit = Duration.ofMinutes(10);
        private Consumer<String> log = line -> { };
        private MemorySize logLimit = MemorySize.ofMiB(1);
        private MemorySize disk = MemorySize.ofGiB(8);
        private MemorySize jobMemory;

        private Builder() {}

        /** The VM's memory: all the job's processes share it (default 512M). */
        public Builder memory(MemorySize size) {
            this.memory = Objects.requireNonNull(size, "memory");
            return this;
        }

        /** The VM's virtual CPUs (default 1). */
        public Builder cpus(int count) {
            this.cpus = count;
            return this;
        }

        /** How long the script may run before it is killed (default 10 minutes). */
        public Builder timeLimit(Duration limit) {
            if (limit == null || limit.isNegative() || limit.isZero()) {
                throw new InvalidConfigurationException("timeLimit", "must be positive, not " + limit);
            }
            this.timeLimit = limit;
            return this;
        }

        /** Receives each line of the job's output as it is written (on a reader thread, one line at a time). */
        public Builder log(Consumer<String> lines) {
            this.log = Objects.requireNonNull(lines, "log");
            return this;
        }

        /** The sandbox's disk, which holds everything the job writes (default 8G, a sparse file). */
        public Builder disk(MemorySize size) {
            this.disk = Objects.requireNonNull(size, "disk");
            return this;
        }

        /**
         * A memory limit on the job's own processes inside the VM (its container's cgroup), below the VM's memory so that
         * the OOM killer ends the job, not the guest's agent; none by default.
         */
        public Builder jobMemory(MemorySize limit) {
            this.jobMemory = Objects.requireNonNull(limit, "jobMemory");
            return this;
        }

        /** How much of the log the {@link JobResult} keeps (default 1M); everything is streamed regardless. */
        public Builder logLimit(MemorySize limit) {
            this.logLimit = Objects.requireNonNull(limit, "logLimit");
            return this;
        }

        public JobRunner build() {
            return new JobRunner(this);
        }
    }
}
