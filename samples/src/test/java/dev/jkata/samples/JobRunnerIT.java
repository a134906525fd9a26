package dev.jkata.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.api.ExecResult;
import dev.jkata.api.MemorySize;
import dev.jkata.api.Sandbox;
import dev.jkata.api.SandboxState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The untrusted-job runner's three cases in one real VM (a boot costs 15–25 s under TCG): a job that writes
 * files, one that fails, one that runs past its time limit. The jobs are shared read-only at /jobs, as a build
 * server would share its queue.
 */
class JobRunnerIT {
    @TempDir
    static Path jobs;
    static final List<String> streamed = new CopyOnWriteArrayList<>();
    static JobRunner runner;
    static Sandbox sandbox;

    @BeforeAll
    static void boot() throws IOException {
        job("writes", """
                set -e
                echo "building in $(pwd)"
                mkdir -p out
                echo "artifact one" > out/a.txt
                seq 1 3 > out/numbers.txt
                for f in out/*; do echo "== $f"; cat "$f"; done
                echo "a warning on stderr" >&2
                """);
        job("fails", """
                echo "compiling"
                echo "error: the build broke" >&2
                exit 3
                """);
        job("slow", """
                echo "started"
                sleep 600 &
                sleep 601
                echo "never printed"
                """);
        runner = JobRunner.builder().memory(MemorySize.ofMiB(512)).cpus(1).timeLimit(Duration.ofMinutes(2))
                .log(line -> {
                    streamed.add(line);
                    System.out.println("[job] " + line);
                }).build();
        sandbox = runner.sandbox(jobs, "/jobs").start();
        System.out.printf("[JobRunnerIT] sandbox %s booted in %d ms%n", sandbox.id(), sandbox.bootTime().toMillis());
    }

    private static void job(String name, String script) throws IOException {
        Path dir = Files.createDirectories(jobs.resolve(name));
        Files.writeString(dir.resolve(JobRunner.SCRIPT), script);
    }

    @AfterAll
    static void closeCleanly() {
        if (sandbox != null) {
            sandbox.close();
            assertThat(sandbox.state()).isEqualTo(SandboxState.STOPPED);
        }
    }

    @BeforeEach
    void clear() {
        streamed.clear();
    }

    @Test
    void aJobThatWritesFilesWorksOnItsOwnCopyAndItsLogIsStreamed() throws Exception {
        JobResult r = runner.run(sandbox, "/jobs/writes");

        assertThat(r.exitCode()).isZero();
        assertThat(r.timedOut()).isFalse();
        assertThat(r.succeeded()).isTrue();
        assertThat(r.log().get(0)).startsWith("building in /work/job-");
        assertThat(r.log()).containsSubsequence("== out/a.txt", "artifact one", "== out/numbers.txt", "1", "2", "3");
        assertThat(r.log()).contains("a warning on stderr");
        assertThat(streamed).isEqualTo(r.log());
        assertThat(jobs.resolve("writes/out")).as("the host's copy of the job is never written").doesNotExist();
    }

    @Test
    void aFailingJobReportsItsExitStatus() throws Exception {
        JobResult r = runner.run(sandbox, "/jobs/fails");

        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.timedOut()).isFalse();
        assertThat(r.succeeded()).isFalse();
        assertThat(r.log()).containsExactly("compiling", "error: the build broke");
    }

    @Test
    void aJobPastItsTimeLimitIsKilledWithEveryProcessItStarted() throws Exception {
        JobResult r = runner.run(sandbox, "/jobs/slow", Duration.ofSeconds(5));

        assertThat(r.timedOut()).isTrue();
        assertThat(r.succeeded()).isFalse();
        assertThat(r.exitStatus().signaled()).isTrue();
        assertThat(r.duration()).isBetween(Duration.ofSeconds(5), Duration.ofSeconds(60));
        assertThat(r.log()).contains("started").doesNotContain("never printed");
        ExecResult ps = sandbox.run("ps");
        assertThat(ps.stdout()).as("processes left in the guest").doesNotContain("sleep 60");
        assertThat(sandbox.state()).isEqualTo(SandboxState.RUNNING);
        assertThat(sandbox.run("echo", "still usable").stdout()).isEqualTo("still usable\n");
    }
}
