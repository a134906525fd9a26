package dev.jkata.samples;

import dev.jkata.api.KataException;
import dev.jkata.api.MemorySize;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * Runs an untrusted build job in a sandbox and exits with its exit status: the job directory's
 * {@code build.sh} runs with memory, CPU and time limits and no network (the VM has no network device), its
 * log is streamed to standard output line by line as it is written, and its exit status is printed last.
 *
 * <pre>
 * UntrustedJobRunner [--memory=512M] [--cpus=1] [--time-limit=10m] JOB_DIR
 * </pre>
 *
 * Exit status: the job's (137 when it was killed at its time limit), 2 for a usage error, 1 when the sandbox
 * could not run it. See {@link JobRunner} for how the job is run.
 */
public final class UntrustedJobRunner {
    static final int USAGE = 2;
    static final int FAILED = 1;
    private static final String HELP =
            "usage: UntrustedJobRunner [--memory=512M] [--cpus=1] [--time-limit=10m] JOB_DIR\n"
            + "  runs JOB_DIR/build.sh in a sandbox (no network) and exits with its exit status";

    private UntrustedJobRunner() {}

    public static void main(String[] args) throws InterruptedException {
        System.exit(run(args, System.out, System.err));
    }

    /** The whole program, returning its exit status instead of exiting (tests call this). */
    static int run(String[] args, PrintStream out, PrintStream err) throws InterruptedException {
        JobRunner.Builder builder = JobRunner.builder().log(out::println);
        MemorySize memory = MemorySize.ofMiB(512);
        int cpus = 1;
        Duration limit = Duration.ofMinutes(10);
        Path jobDir = null;
        try {
            for (String arg : args) {
                if (arg.startsWith("--memory=")) {
                    memory = MemorySize.parse(value(arg));
                } else if (arg.startsWith("--cpus=")) {
                    cpus = Integer.parseInt(value(arg));
                } else if (arg.startsWith("--time-limit=")) {
                    limit = duration(value(arg));
                } else if (arg.startsWith("-") || jobDir != null) {
                    throw new IllegalArgumentException("unexpected argument '" + arg + "'");
                } else {
                    jobDir = Path.of(arg);
                }
            }
            if (jobDir == null) {
                throw new IllegalArgumentException("no job directory given");
            }
            if (!Files.isRegularFile(jobDir.resolve(JobRunner.SCRIPT))) {
                throw new IllegalArgumentException(jobDir + " holds no " + JobRunner.SCRIPT);
            }
            builder.memory(memory).cpus(cpus).timeLimit(limit);
            builder.build().sandbox(jobDir, JobRunner.GUEST_JOB_DIR).toSpec(); // says what is wrong before any boot
        } catch (IllegalArgumentException | KataException e) {
            err.println("UntrustedJobRunner: " + e.getMessage());
            err.println(HELP);
            return USAGE;
        }

        out.printf("== running %s in a sandbox: %s memory, %d vCPU, time limit %s, no network device%n",
                jobDir.resolve(JobRunner.SCRIPT), memory, cpus, human(limit));
        JobResult r;
        try {
            r = builder.build().run(jobDir);
        } catch (KataException e) {
            err.println("UntrustedJobRunner: the sandbox could not run the job: " + e.getMessage());
            return FAILED;
        }
        if (r.timedOut()) {
            out.printf("== killed at the time limit of %s (%s)%n", human(limit), r.exitStatus());
        } else {
            out.printf("== %s after %s%n", r.exitStatus(), human(r.duration()));
        }
        return r.exitCode();
    }

    private static String value(String arg) {
        return arg.substring(arg.indexOf('=') + 1);
    }

    /** {@code 90s}, {@code 10m}, {@code 1h}, {@code 500ms}, a bare number of seconds, or ISO-8601 ({@code PT90S}). */
    static Duration duration(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        try {
            if (t.startsWith("pt")) {
                return positive(Duration.parse(text.trim()));
            }
            if (t.endsWith("ms")) {
                return positive(Duration.ofMillis(Long.parseLong(t.substring(0, t.length() - 2))));
            }
            long n = Long.parseLong(t.replaceAll("[smh]$", ""));
            return positive(switch (t.charAt(t.length() - 1)) {
                case 'm' -> Duration.ofMinutes(n);
                case 'h' -> Duration.ofHours(n);
                default -> Duration.ofSeconds(n);
            });
        } catch (NumberFormatException | DateTimeParseException | StringIndexOutOfBoundsException e) {
            throw new IllegalArgumentException("not a duration: '" + text + "' (use e.g. 90s, 10m, 1h)");
        }
    }

    private static Duration positive(Duration d) {
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException("the time limit must be positive, not " + d);
        }
        return d;
    }

    private static String human(Duration d) {
        return d.toMillis() < 60_000 ? String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0)
                : d.toString().substring(2).toLowerCase(Locale.ROOT);
    }
}
