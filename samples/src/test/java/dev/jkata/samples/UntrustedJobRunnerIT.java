package dev.jkata.samples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner's command line, end to end: its own sandbox, its streamed log, its exit status. */
class UntrustedJobRunnerIT {

    @Test
    void runsAJobDirectoryAndExitsWithItsStatus(@TempDir Path job) throws Exception {
        Files.writeString(job.resolve("build.sh"), """
                echo "hello from the job on $(uname -n)"
                ls /sys/class/net 2>/dev/null | grep -v '^lo$' | sed 's/^/network device: /'
                exit 4
                """);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = UntrustedJobRunner.run(new String[] {"--memory=512M", "--cpus=1", "--time-limit=2m", job.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));

        String printed = out.toString(StandardCharsets.UTF_8);
        System.out.print(printed);
        System.out.print(err.toString(StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(4);
        assertThat(printed).contains("hello from the job on kata").contains("== exit 4 after")
                .doesNotContain("network device:");
    }
}
