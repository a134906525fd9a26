package dev.jkata.samples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jkata.api.ExecProcess;
import dev.jkata.api.ExecResult;
import dev.jkata.api.ExecSpec;
import dev.jkata.api.KataTimeoutException;
import dev.jkata.api.Sandbox;
import dev.jkata.testkit.Fake;
import dev.jkata.testkit.KataSandbox;
import dev.jkata.testkit.KataTest;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A fast unit test of code that drives a sandbox: the same extension, with {@code fake = Fake.AGENT}. No VM
 * boots; the real agent runs in this JVM and the commands are HOST processes (no isolation: trusted commands
 * only), reached through the same agent protocol, streams and typed errors as in a VM. A whole class like this
 * runs in well under a second after the first start.
 */
@KataTest
class FakeAgentSampleTest {

    @KataSandbox(fake = Fake.AGENT, env = "STAGE=unit")
    static Sandbox sandbox;

    @Test
    void exitCodesAndBothStreamsComeBackAsFromAVm() throws Exception {
        ExecResult r = sandbox.run("sh", "-c", "echo building $STAGE; echo warning >&2; exit 3");
        assertThat(r.exitCode()).isEqualTo(3);
        assertThat(r.stdout()).isEqualTo("building unit\n");
        assertThat(r.stderr()).isEqualTo("warning\n");
    }

    @Test
    void aMissingProgramIs127AsInAShell() throws Exception {
        ExecResult r = sandbox.run("no-such-tool");
        assertThat(r.exitCode()).isEqualTo(127);
        assertThat(r.stderr()).contains("no-such-tool: not found");
    }

    @Test
    void aCommandOverItsTimeLimitIsKilled() {
        assertThatThrownBy(() -> sandbox.run(ExecSpec.builder("sleep", "30").timeout(Duration.ofMillis(300)).build()))
                .isInstanceOf(KataTimeoutException.class);
    }

    @Test
    void standardInputStreamsThroughTheProtocol() throws Exception {
        try (ExecProcess p = sandbox.exec(ExecSpec.builder("tr", "a-z", "A-Z").build())) {
            try (OutputStream in = p.stdin()) {
                in.write("log line\n".getBytes(StandardCharsets.UTF_8));
            }
            assertThat(new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8)).isEqualTo("LOG LINE\n");
            assertThat(p.waitFor(Duration.ofSeconds(10)).success()).isTrue();
        }
    }
}
