package dev.jkata.samples;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.api.ExecResult;
import dev.jkata.api.Sandbox;
import dev.jkata.testkit.KataSandbox;
import dev.jkata.testkit.KataTest;
import org.junit.jupiter.api.Test;

/**
 * A JUnit 5 test class using the extension: one real sandbox for the whole class (a static field), started
 * before the first test and closed after the last, whatever their outcome.
 */
@KataTest
class ExtensionSampleIT {

    @KataSandbox(memory = "512M", cpus = 1, env = "GREETING=hello from the annotation")
    static Sandbox sandbox;

    @Test
    void commandsRunUnderTheGuestsKernel() throws Exception {
        ExecResult r = sandbox.run("uname", "-a");
        assertThat(r.exitCode()).isZero();
        assertThat(r.stdout()).startsWith("Linux kata ");
    }

    @Test
    void aFileWrittenByOneCommandIsSeenByTheNext() throws Exception {
        assertThat(sandbox.run("sh", "-c", "echo 42 > /tmp/answer").exitCode()).isZero();
        assertThat(sandbox.run("cat", "/tmp/answer").stdout()).isEqualTo("42\n");
    }

    @Test
    void stderrAndTheExitCodeComeBack() throws Exception {
        ExecResult r = sandbox.run("sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("to-stdout\n");
        assertThat(r.stderr()).isEqualTo("to-stderr\n");
    }

    @Test
    void theAnnotationsEnvironmentReachesEveryProcess() throws Exception {
        assertThat(sandbox.run("sh", "-c", "echo $GREETING").stdout()).isEqualTo("hello from the annotation\n");
    }
}
