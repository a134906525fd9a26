package dev.jkata.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.agent.client.AgentReplyFuzz;
import dev.jkata.agent.protocol.yamux.YamuxFrameFuzz;
import dev.jkata.core.qemu.ConsoleFuzz;
import dev.jkata.qemu.qmp.QmpReplyFuzz;
import org.junit.jupiter.api.Test;

/**
 * A short coverage-guided run of each target (the number of inputs and the time bound come from
 * {@code kata.fuzz.runs} and {@code kata.fuzz.maxSeconds}; scripts/fuzz.sh sets them for the long form). A finding
 * fails the test with Jazzer's report; so does a run that tried too few inputs to mean anything.
 */
class HostDecodersFuzzTest {
    private static void fuzz(Class<?> target) throws Exception {
        JazzerRun run = JazzerRun.of(target);
        JazzerRun.Result r = run.run();
        System.out.println("[fuzz] " + target.getSimpleName() + ": " + r.inputs() + " inputs in " + r.seconds() + " s, exit "
                + r.exitCode());
        assertThat(r.clean()).as("Jazzer found a problem in %s:%n%s", target.getSimpleName(), r.tail()).isTrue();
        assertThat(r.inputs()).as("inputs tried; output:%n%s", r.tail()).isGreaterThanOrEqualTo(Math.min(run.runs(), 1000));
    }

    @Test
    void yamuxFrames() throws Exception {
        fuzz(YamuxFrameFuzz.class);
    }

    @Test
    void agentReplies() throws Exception {
        fuzz(AgentReplyFuzz.class);
    }

    @Test
    void qmpReplies() throws Exception {
        fuzz(QmpReplyFuzz.class);
    }

    @Test
    void serialConsole() throws Exception {
        fuzz(ConsoleFuzz.class);
    }

    @Test
    void layers() throws Exception {
        fuzz(dev.jkata.image.layer.LayerFuzz.class);
    }

    @Test
    void imageJson() throws Exception {
        fuzz(dev.jkata.image.manifest.ImageJsonFuzz.class);
    }
}
