package dev.jkata.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the runner's command line refuses before it boots anything. */
class UntrustedJobRunnerTest {
    @TempDir
    Path job;

    private static String[] run(String... args) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = UntrustedJobRunner.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new String[] {Integer.toString(code), out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8)};
    }

    @Test
    void usageErrorsExitWith2AndSayWhy() throws Exception {
        assertThat(run()).satisfies(r -> {
            assertThat(r[0]).isEqualTo("2");
            assertThat(r[2]).contains("no job directory").contains("usage:");
        });
        assertThat(run(job.toString())[2]).contains("holds no build.sh");
        Files.writeString(job.resolve("build.sh"), "echo hi\n");
        assertThat(run("--time-limit=soon", job.toString())[2]).contains("not a duration");
        assertThat(run("--memory=lots", job.toString())[2]).contains("not a memory size");
        assertThat(run("--memory=64M", job.toString())[2]).contains("memory").contains("128M");
        assertThat(run("--cpus=0", job.toString())[2]).contains("cpus");
        assertThat(run("--bogus", job.toString())[2]).contains("unexpected argument '--bogus'");
    }

    @Test
    void timeLimitsReadTheWayPeopleWriteThem() {
        assertThat(UntrustedJobRunner.duration("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(UntrustedJobRunner.duration("90")).isEqualTo(Duration.ofSeconds(90));
        assertThat(UntrustedJobRunner.duration("10m")).isEqualTo(Duration.ofMinutes(10));
        assertThat(UntrustedJobRunner.duration("1h")).isEqualTo(Duration.ofHours(1));
        assertThat(UntrustedJobRunner.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(UntrustedJobRunner.duration("PT2M")).isEqualTo(Duration.ofMinutes(2));
        assertThatThrownBy(() -> UntrustedJobRunner.duration("0s")).isInstanceOf(IllegalArgumentException.class);
    }
}
