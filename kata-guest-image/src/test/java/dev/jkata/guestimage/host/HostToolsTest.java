package dev.jkata.guestimage.host;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jkata.api.KataErrorReason;
import dev.jkata.api.KataException;
import dev.jkata.api.KataTimeoutException;
import java.time.Duration;
import org.assertj.core.api.Assertions;
import org.junit.jupiter.api.Test;

class HostToolsTest {
    @Test
    void everyToolNamesTheDebianPackageThatProvidesIt() {
        for (HostTools t : HostTools.values()) {
            assertThat(t.debianPackage()).isNotBlank();
        }
        assertThat(HostTools.installCommand("busybox-static")).contains("apt-get install -y busybox-static");
    }

    @Test
    void aFailingCommandQuotesItsOwnError() {
        Command.Result r = Command.of("sh", "-c", "echo boom >&2; exit 3").run();
        assertThat(r.exitCode()).isEqualTo(3);
        Assertions.assertThatThrownBy(() -> r.orThrow(KataErrorReason.IMAGE_BUILD_FAILED))
                .isInstanceOf(KataException.class).hasMessageContaining("boom").hasMessageContaining("exited with 3");
    }

    @Test
    void aMissingProgramIsATypedError() {
        Assertions.assertThatThrownBy(() -> Command.of("/nonexistent/tool").run())
                .isInstanceOf(KataException.class)
                .extracting(e -> ((KataException) e).reason()).isEqualTo(KataErrorReason.MISSING_HOST_DEPENDENCY);
    }

    @Test
    void aHungCommandIsKilledAtItsDeadline() {
        long t = System.nanoTime();
        Assertions.assertThatThrownBy(() -> Command.of("sleep", "30").timeout(Duration.ofMillis(300)).run())
                .isInstanceOf(KataTimeoutException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - t)).isLessThan(Duration.ofSeconds(20));
    }
}
