package dev.jkata.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.api.MemorySize;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sample build job end to end in real VMs, one sandbox per job as a build server runs them: sources copied in,
 * the build on the sandbox's disk under a memory limit and a time limit, artifacts copied out, what it used; and one
 * failing variant for each end: a non-zero exit, the OOM killer, the time limit, a full disk.
 */
class BuildJobIT {
    @TempDir
    Path tmp;

    private final JobRunner runner = JobRunner.builder().memory(MemorySize.ofMiB(512)).disk(MemorySize.ofMiB(256))
            .jobMemory(MemorySize.ofMiB(64)).timeLimit(Duration.ofMinutes(2)).log(l -> System.out.println("[job] " + l)).build();

    private Path job(String name, String script) throws IOException {
        Path dir = Files.createDirectories(tmp.resolve(name));
        Files.writeString(Files.createDirectories(dir.resolve("src")).resolve("a.txt"), "alpha\n");
        Files.writeString(dir.resolve("src/b.txt"), "beta\n");
        Files.writeString(dir.resolve(JobRunner.SCRIPT), script);
        return dir;
    }

    @Test
    void aJobBuildsFromItsSourcesAndItsArtifactsAndFiguresComeBack() throws Exception {
        Path dir = job("ok", """
                set -e
                echo "building"
                mkdir -p out
                cat src/*.txt > out/all.txt
                echo '<testsuite tests="2" failures="0"/>' > out/report.xml
                i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done
                echo "built"
                """);
        Path artifacts = Files.createDirectories(tmp.resolve("artifacts"));
        JobResult r = runner.run(dir, artifacts);
        assertThat(r.end()).as(r.logText()).isEqualTo(JobResult.End.SUCCEEDED);
        assertThat(r.log()).containsExactly("building", "built");
        assertThat(artifacts.resolve("out/all.txt")).hasContent("alpha\nbeta");
        assertThat(artifacts.resolve("out/report.xml")).content().contains("failures=\"0\"");
        assertThat(r.stats().orElseThrow().container().cpu()).isPositive();
        assertThat(dir.resolve("out")).as("the host's sources are never written").doesNotExist();
    }

    @Test
    void eachEndIsToldApart() throws Exception {
        JobResult fails = runner.run(job("fails", "echo compiling; echo 'error: broke' >&2; exit 3\n"), tmp.resolve("a1"));
        assertThat(fails.end()).isEqualTo(JobResult.End.FAILED);
        assertThat(fails.exitCode()).isEqualTo(3);

        JobResult oom = runner.run(job("oom", "awk 'BEGIN { s = \"x\"; while (1) s = s s }'\n"), tmp.resolve("a2"));
        assertThat(oom.end()).as(oom.logText()).isEqualTo(JobResult.End.OOM_KILLED);
        assertThat(oom.exitStatus().oomKilled()).isTrue();

        JobResult full = runner.run(job("full", "dd if=/dev/zero of=fill bs=1M count=400\n"), tmp.resolve("a3"));
        assertThat(full.end()).as(full.logText()).isEqualTo(JobResult.End.DISK_FULL);

        JobRunner quick = JobRunner.builder().disk(MemorySize.ofMiB(256)).timeLimit(Duration.ofSeconds(5)).build();
        JobResult slow = quick.run(job("slow", "echo started; sleep 600\n"), tmp.resolve("a4"));
        assertThat(slow.end()).isEqualTo(JobResult.End.TIMED_OUT);
        assertThat(slow.log()).contains("started");
    }
}
