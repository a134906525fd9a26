package dev.jkata.qemu;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ProcessArgumentsTest {

    @Test
    void readsACommandLineLongerThanWhatTheJdkReports() throws Exception {
        String marker = "x".repeat(6000);
        // the shell stays (two commands), so its command line is the one given: over 6000 bytes, an empty one last
        Process p = new ProcessBuilder("sh", "-c", "sleep 30; true", "name", marker, "").start();
        try {
            assertThat(ProcessArguments.of(p.pid())).get().satisfies(a -> {
                assertThat(a).startsWith("sh", "-c", "sleep 30; true", "name");
                assertThat(a.get(4)).isEqualTo(marker);
                assertThat(a).hasSize(6).last().isEqualTo("");
            });
            assertThat(ProcessArguments.holds(p.pid(), "name", marker)).isTrue();
            assertThat(ProcessArguments.holds(p.pid(), "other")).isFalse();
        } finally {
            p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
        }
        assertThat(ProcessArguments.of(p.pid())).isEmpty();
    }
}
